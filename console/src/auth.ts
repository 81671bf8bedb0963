/**
 * Browser sign-in for a deployed console: the Cognito hosted UI with the authorization-code flow
 * and PKCE (no client secret in the page). The ID token (with the user's cognito:groups, which the
 * API maps onto application permissions) is kept in sessionStorage for this tab only and sent as a
 * bearer token; when it expires the page signs in again. Locally (`auth: 'none'`) nothing is sent.
 */

/** /config.json: how this console signs in and where its API is. */
export interface ConsoleConfig {
  /** 'none' locally; 'cognito' when deployed. */
  readonly auth: 'none' | 'cognito';
  readonly cognito?: { readonly domain: string; readonly clientId: string };
  readonly localMode?: boolean;
}

let config: ConsoleConfig = { auth: 'none' };
const TOKEN = 'gennaker.idToken';
const VERIFIER = 'gennaker.pkceVerifier';
const STATE = 'gennaker.pkceState';
const RETURN_TO = 'gennaker.returnTo';

export function configure(value: ConsoleConfig): void {
  config = value;
}

export function consoleConfig(): ConsoleConfig {
  return config;
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function claimsOf(token: string): { exp?: number; email?: string; 'cognito:username'?: string } {
  try {
    return JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
  } catch {
    return {};
  }
}

const redirectUri = () => `${location.origin}/`;

async function signIn(): Promise<never> {
  const cognito = config.cognito!;
  const verifier = randomString();
  const state = randomString();
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  sessionStorage.setItem(RETURN_TO, location.hash);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: cognito.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  });
  location.assign(`https://${cognito.domain}/oauth2/authorize?${query}`);
  return new Promise<never>(() => undefined);
}

/** After the hosted UI sends the browser back with ?code=: trade it for tokens. */
export async function completeSignIn(): Promise<void> {
  if (config.auth !== 'cognito') return;
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return;
  if (params.get('state') !== sessionStorage.getItem(STATE)) throw new Error('the sign-in answer does not match this tab (state); sign in again');
  const response = await fetch(`https://${config.cognito!.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.cognito!.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: sessionStorage.getItem(VERIFIER) ?? '',
    }),
  });
  if (!response.ok) throw new Error(`sign-in failed: the token endpoint answered ${response.status}`);
  const tokens = (await response.json()) as { id_token: string };
  sessionStorage.setItem(TOKEN, tokens.id_token);
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
  history.replaceState(null, '', `/${sessionStorage.getItem(RETURN_TO) ?? ''}`);
}

export async function bearerToken(): Promise<string | undefined> {
  if (config.auth !== 'cognito') return undefined;
  const token = sessionStorage.getItem(TOKEN);
  if (token && (claimsOf(token).exp ?? 0) * 1000 > Date.now() + 30_000) return token;
  return signIn();
}

export function signedInUser(): string | undefined {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return undefined;
  const claims = claimsOf(token);
  return claims.email ?? claims['cognito:username'];
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN);
  const cognito = config.cognito!;
  location.assign(`https://${cognito.domain}/logout?${new URLSearchParams({ client_id: cognito.clientId, logout_uri: redirectUri() })}`);
}
