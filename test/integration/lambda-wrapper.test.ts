/**
 * The one Lambda wrapper (functions/core/lambda-wrapper.ts), on handlers bundled exactly as
 * deployed and run in a fresh node process given a Lambda context: every log line is JSON and
 * carries the call's request id and, where the event names one, its execution id, never the
 * previous call's; an error leaving the handler has a stack pointing at source lines.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../infra/platform/bundling.js';
import { REPO_ROOT } from '../../infra/paths.js';

const outDir = mkdtempSync(join(tmpdir(), 'gennaker-wrapper-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function bundled(entry: string): Promise<string> {
  const file = join(outDir, entry.replace(/\W+/g, '-'), 'index.mjs');
  await build(esbuildOptions(join(REPO_ROOT, entry), file));
  return file;
}

const context = (requestId: string) => ({
  awsRequestId: requestId,
  functionName: 'gennaker-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:gennaker-test',
  memoryLimitInMB: '512',
});

/** Invokes the bundle's handler once per call in one process; returns the JSON log lines and each call's outcome. */
function invoke(bundle: string, calls: Array<{ event: unknown; requestId: string }>) {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
    const outcomes = [];
    for (const call of ${JSON.stringify(calls.map((c) => ({ event: c.event, context: context(c.requestId) })))}) {
      try { outcomes.push({ result: await handler(call.event, call.context) }); }
      catch (e) { outcomes.push({ error: e.message, stack: e.stack }); }
    }
    process.stderr.write('OUTCOMES ' + JSON.stringify(outcomes) + '\\n');`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
  });
  expect(child.status, child.stderr).toBe(0);
  const output = `${child.stdout}\n${child.stderr}`.split('\n');
  const outcomes = JSON.parse(output.find((l) => l.startsWith('OUTCOMES '))!.slice('OUTCOMES '.length)) as Array<{
    result?: { statusCode?: number };
    error?: string;
    stack?: string;
  }>;
  const lines = output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, outcomes };
}

describe('lambdaHandler', () => {
  it('logs the request id and the execution id of the call on every line, and drops them when the call ends', async () => {
    const bundle = await bundled('functions/triggers/webhook-callback/handler.ts');
    const refused = (executionId?: string) => ({
      version: '2.0',
      rawPath: '/webhooks/callback',
      pathParameters: { ...(executionId ? { executionId } : {}), refId: 'hook' },
      queryStringParameters: {},
      body: '{}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/webhooks/callback' } },
    });
    const { lines, outcomes } = invoke(bundle, [
      { event: refused('exec-42'), requestId: 'req-1' },
      { event: refused(), requestId: 'req-2' },
    ]);
    expect(outcomes.map((o) => o.result?.statusCode)).toEqual([403, 403]);
    const [first, second] = lines.filter((l) => l.message === 'webhook callback refused');
    expect(first).toMatchObject({ level: 'WARN', function_request_id: 'req-1', executionId: 'exec-42', refId: 'hook', reason: 'no token' });
    expect(first).toMatchObject({ function_name: 'gennaker-test' });
    expect(second).toMatchObject({ function_request_id: 'req-2' });
    expect(second).not.toHaveProperty('executionId');
  });

  it('gives an engine call its execution id on every line and maps the stack of an error that leaves it', async () => {
    const bundle = await bundled('functions/engine/handler.ts');
    const { lines, outcomes } = invoke(bundle, [{ event: { op: 'no-such-op', executionId: 'exec-7' }, requestId: 'req-9' }]);
    expect(lines.find((l) => l.message === 'engine call')).toMatchObject({ function_request_id: 'req-9', executionId: 'exec-7', op: 'no-such-op' });
    expect(outcomes[0]!.error).toContain('invalid engine payload');
    // Source lines, not the bundle's: the frame that threw is the payload parser's.
    expect(outcomes[0]!.stack).toMatch(/functions\/core\/engine\/dispatch\.ts:\d+:\d+/);
    expect(outcomes[0]!.stack).not.toMatch(/index\.mjs:1:/);
  });
});
