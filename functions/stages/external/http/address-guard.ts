/**
 * Refuses requests to link-local addresses (169.254.0.0/16, fe80::/10) and the instance metadata
 * service (169.254.169.254, fd00:ec2::254): a webhook URL written in a pipeline must not be able to
 * read the Lambda's or an instance's credentials. Host names are resolved and every address they
 * resolve to is checked. Set GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL=true to allow them (e.g. a proxy on
 * a link-local address).
 *
 * What this does not stop: a host whose DNS answer changes between our lookup and fetch's own
 * lookup (DNS rebinding). Closing that needs a connection pinned to the checked address, which
 * Node's global fetch does not offer without undici's dispatcher API.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { HttpTransportError, UnsafeUrlError } from '../errors.js';

export const ALLOW_LINK_LOCAL_ENV = 'GENNAKER_WEBHOOK_ALLOW_LINK_LOCAL';

/** Resolves a host name to every address it has. */
export type HostLookup = (hostname: string) => Promise<string[]>;

export const systemLookup: HostLookup = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export function linkLocalAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_LINK_LOCAL_ENV] === 'true';
}

/** Why an address is refused, or undefined when it may be called. Pure. */
export function forbiddenAddressReason(address: string): string | undefined {
  const family = isIP(address);
  if (family === 4) return forbiddenIPv4(parseIPv4(address));
  if (family === 6) {
    const groups = parseIPv6(address);
    if (!groups) return undefined;
    const embedded = embeddedIPv4(groups);
    if (embedded !== undefined) return forbiddenIPv4(embedded);
    if (groups.join(':') === METADATA_V6) return 'the instance metadata service (fd00:ec2::254)';
    // fe80::/10: the top ten bits are 1111 1110 10.
    if (((groups[0] ?? 0) & 0xffc0) === 0xfe80) return 'a link-local address (fe80::/10)';
  }
  return undefined;
}

/**
 * Throws UnsafeUrlError unless `url` is http(s) and its host resolves only to addresses we may
 * call. Returns the parsed URL.
 */
export async function checkUrl(url: string, options: { readonly allowLinkLocal?: boolean; readonly lookup?: HostLookup } = {}): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsafeUrlError(`not a valid URL: ${JSON.stringify(url.slice(0, 200))}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UnsafeUrlError(`only http and https URLs may be called, not ${parsed.protocol}`);
  }
  if (options.allowLinkLocal ?? linkLocalAllowed()) return parsed;
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
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason) {
      throw new UnsafeUrlError(
        `refusing to call ${parsed.origin}: ${host === address ? '' : `${host} resolves to ${address}, `}${reason} (set ${ALLOW_LINK_LOCAL_ENV}=true to allow)`,
      );
    }
  }
  return parsed;
}

const METADATA_V6 = [0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254].join(':');

function forbiddenIPv4(value: number): string | undefined {
  if (value === 0xa9fea9fe) return 'the instance metadata service (169.254.169.254)';
  if (value >>> 16 === 0xa9fe) return 'a link-local address (169.254.0.0/16)';
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

/** The IPv4 address inside an IPv4-mapped (::ffff:0:0/96) or NAT64 (64:ff9b::/96) address. */
function embeddedIPv4(groups: readonly number[]): number | undefined {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  return mapped || nat64 ? ((g6 << 16) | g7) >>> 0 : undefined;
}
