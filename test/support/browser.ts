/**
 * Debian's Chromium driven by playwright-core, for browser tests and the console benchmark. Never
 * downloads a browser: /usr/bin/chromium (apt-get install chromium; .ci/run does) or
 * GENNAKER_CHROMIUM. Each launch gets a fresh profile directory, removed on close.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

const CHROMIUM = process.env.GENNAKER_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface LaunchedBrowser {
  /** A persistent context on the fresh profile (playwright passes it as --user-data-dir). */
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(
  options: {
    readonly colorScheme?: 'light' | 'dark';
    /** Sent with every request (a test server that believes x-gennaker-user / -roles: another user). */
    readonly headers?: Readonly<Record<string, string>>;
  } = {},
): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install -y chromium (or set GENNAKER_CHROMIUM)`);
  const profile = await mkdtemp(join(tmpdir(), 'gennaker-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
    ...(options.headers ? { extraHTTPHeaders: { ...options.headers } } : {}),
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
