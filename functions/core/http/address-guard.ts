/**
 * Refuses requests to link-local addresses (169.254.0.0/16, fe80::/10) and to the credential
 * endpoints (the instance metadata service 169.254.169.254 and fd00:ec2::254, ECS's 169.254.170.2,
 * EKS Pod Identity's 169.254.170.23 and fd00:ec2::23): a URL written in a pipeline must not be able
 * to read the Lambda's or an instance's credentials. Every spelling is one address here: the WHATWG
 * URL parser turns decimal, octal, hex and short IPv4 forms into dotted quads, and IPv6 forms that
 * carry an IPv4 address (mapped ::ffff:a.b.c.d, translated ::ffff:0:a.b.c.d, compatible ::a.b.c.d,
 * NAT64 64:ff9b::a.b.c.d) are checked as that IPv4 address. Host names are resolved once and every
 * address they resolve to is checked; the connection is then made to the checked address
 * (pinned-request.ts), so a second, different DNS answer (rebinding) is never used.
 * GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL=true allows other link-local addresses (e.g. a proxy on one),
 * never the credential endpoints.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { HttpTransportError, UnsafeUrlError } from './errors.js';

const ALLOW_LINK_LOCAL_ENV = 'GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL';

/** Resolves a host name to every address it has. */
export type HostLookup = (hostname: string) => Promise<string[]>;

const systemLookup: HostLookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export function linkLocalAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_LINK_LOCAL_ENV] === 'true';
}

/**
 * Why an address is refused, or undefined when it may be called. Pure. With `allowLinkLocal`
 * only the credential endpoints are refused.
 */
export function forbiddenAddressReason(address: string, allowLinkLocal = false): string | undefined {
  const family = isIP(address);
  if (family === 4) return forbiddenIPv4(parseIPv4(address), allowLinkLocal);
  if (family === 6) {
    const groups = parseIPv6(address);
    // isIP accepted it, so it is IPv6; one we cannot expand is not called.
    if (!groups) return `an IPv6 address that cannot be checked (${address})`;
    const embedded = embeddedIPv4(groups);
    if (embedded !== undefined) return forbiddenIPv4(embedded, allowLinkLocal);
    const credentials = CREDENTIAL_ENDPOINTS_V6.get(groups.join(':'));
    if (credentials) return credentials;
    // fe80::/10: the top ten bits are 1111 1110 10.
    if (!allowLinkLocal && ((groups[0] ?? 0) & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
  }
  return undefined;
}

/** A URL that passed the guard, and the address it was checked at: connect there and nowhere else. */
export interface CheckedTarget {
  readonly url: URL;
  /** The host without brackets. */
  readonly host: string;
  readonly address: string;
  readonly family: 4 | 6;
}

export interface GuardOptions {
  readonly allowLinkLocal?: boolean;
  readonly lookup?: HostLookup;
}

/**
 * Throws UnsafeUrlError unless `url` is http(s) and its host resolves only to addresses we may
 * call. Returns the parsed URL.
 */
export async function checkUrl(url: string, options: GuardOptions = {}): Promise<URL> {
  return (await checkTarget(url, options)).url;
}

/**
 * checkUrl, and the one address to connect to: the host is resolved once here, and a caller that
 * connects to `address` (pinned-request.ts) cannot be sent elsewhere by a later DNS answer.
 */
export async function checkTarget(url: string, options: GuardOptions = {}): Promise<CheckedTarget> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError('not a valid URL (it is not repeated here: URLs may carry tokens)');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UnsafeUrlError(`only http and https URLs may be called, not ${parsed.protocol}`);
  }
  const allowLinkLocal = options.allowLinkLocal ?? linkLocalAllowed();
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (options.lookup ?? systemLookup)(host);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ENOTFOUND';
      throw new HttpTransportError(`cannot resolve ${host}: ${code}`, code, true, { cause: error });
    }
  }
  if (addresses.length === 0) throw new HttpTransportError(`cannot resolve ${host}: no addresses`, 'ENOTFOUND', true);
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address, allowLinkLocal);
    if (reason) {
      const hint = reason.startsWith('a link-local') ? ` (set ${ALLOW_LINK_LOCAL_ENV}=true to allow)` : '';
      throw new UnsafeUrlError(`refusing to call ${parsed.origin}: ${host === address ? '' : `${host} resolves to ${address}, `}${reason}${hint}`);
    }
  }
  const address = addresses[0]!;
  return { url: parsed, host, address, family: isIP(address) === 6 ? 6 : 4 };
}

const v6 = (...groups: number[]) => groups.join(':');
/** Refused whatever the link-local setting says: they hand out credentials. */
const CREDENTIAL_ENDPOINTS_V6: ReadonlyMap<string, string> = new Map([
  [v6(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254), 'the instance metadata service (fd00:ec2::254)'],
  [v6(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23), 'the EKS Pod Identity credential endpoint (fd00:ec2::23)'],
]);
const CREDENTIAL_ENDPOINTS_V4: ReadonlyMap<number, string> = new Map([
  [0xa9fea9fe, 'the instance metadata service (169.254.169.254)'],
  [0xa9feaa02, 'the ECS container credential endpoint (169.254.170.2)'],
  [0xa9feaa17, 'the EKS Pod Identity credential endpoint (169.254.170.23)'],
]);

function forbiddenIPv4(value: number, allowLinkLocal: boolean): string | undefined {
  const credentials = CREDENTIAL_ENDPOINTS_V4.get(value);
  if (credentials) return credentials;
  if (!allowLinkLocal && value >>> 16 === 0xa9fe) return 'a link-local address (169.254.0.0/16)';
  return undefined;
}

function parseIPv4(address: string): number {
  return address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0) >>> 0;
}

/** Eight 16-bit groups, or undefined for something isIP accepted that we cannot expand. */
function parseIPv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted quad (::ffff:169.254.169.254) becomes two groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIPv4(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) => Number.parseInt(g, 16));
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:0:0/96), IPv4-translated (::ffff:0:0:0/96),
 * IPv4-compatible (::/96, deprecated but still parsed) or NAT64 (64:ff9b::/96) address.
 */
function embeddedIPv4(groups: readonly number[]): number | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zeros = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  const mapped = zeros && g4 === 0 && g5 === 0xffff;
  const translated = zeros && g4 === 0xffff && g5 === 0;
  // :: and ::1 are not IPv4 addresses.
  const compatible = zeros && g4 === 0 && g5 === 0 && g6 !== 0;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  return mapped || translated || compatible || nat64 ? ((g6 << 16) | g7) >>> 0 : undefined;
}
