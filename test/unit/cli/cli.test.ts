/** The CLI in-process: exit codes, one line per problem, no stack traces, help on every command. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import type { Io } from '../../../cli/io.js';

async function cli(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const io: Io = {
    out: (l) => out.push(`${l}\n`),
    err: (l) => err.push(`${l}\n`),
    write: (t) => out.push(t),
    exit: (c) => {
      code = c;
    },
  };
  await main(args, io);
  return { code, out: out.join(''), err: err.join('') };
}

const dir = mkdtempSync(join(tmpdir(), 'gennaker-cli-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('gennaker', () => {
  const good = file(
    'good.yml',
    'application: app\nname: p\nstages:\n  - refId: "1"\n    type: wait\n    name: Pause\n  - refId: "2"\n    type: wait\n    requisiteStageRefIds: ["1"]\n',
  );

  it('validate: ok and exit 0', async () => {
    const r = await cli('validate', good);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ok (app/p, 2 stages)');
  });

  it('validate: one line per problem and exit 2, no stack trace', async () => {
    const bad = file(
      'bad.json',
      JSON.stringify({
        application: 'a',
        name: 'n',
        stages: [
          { refId: '1', type: 'nope' },
          { refId: '2', type: 'wait', requisiteStageRefIds: ['x'] },
        ],
      }),
    );
    const r = await cli('validate', bad);
    expect(r.code).toBe(2);
    const lines = r.err.trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/bad\.json: \$\.stages\[0\]\.type: unsupported stage type 'nope'/);
    expect(lines[1]).toContain("bad.json: $.stages[1].requisiteStageRefIds[0]: no stage has refId 'x'");
    expect(r.err).not.toMatch(/\bat \w+ \(/);
  });

  it("validate and graph: say which time zone windows and crons without one run in (the platform's)", async () => {
    const windowed = file(
      'windowed.yml',
      'application: app\nname: w\ntriggers:\n  - type: cron\n    cronExpression: "0 0 2 * * ?"\nstages:\n  - refId: "1"\n    type: wait\n    waitTime: 1\n    restrictExecutionDuringTimeWindow: true\n',
    );
    let r = await cli('validate', windowed);
    expect(r.code).toBe(0);
    expect(r.out).toContain("ok (app/w, 1 stage); windows and cron triggers without a timeZone run in America/Los_Angeles (Spinnaker's default");
    expect((await cli('validate', good)).out).not.toContain('time');
    r = await cli('graph', windowed);
    expect(r.out.split('\n')[0]).toMatch(/^%% windows and cron triggers without a timeZone run in America\/Los_Angeles/);
    process.env.GENNAKER_TIME_ZONE = 'Europe/Paris';
    try {
      expect((await cli('validate', windowed, '-o', 'json')).out).toContain('"timeZone": "Europe/Paris"');
    } finally {
      delete process.env.GENNAKER_TIME_ZONE;
    }
  });

  it('validate: malformed and missing files are problems, not crashes', async () => {
    const garbage = file('garbage.yml', 'stages: [\n  - {');
    let r = await cli('validate', garbage);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/garbage\.yml: \$: .*not valid YAML/);
    r = await cli('validate', join(dir, 'missing.json'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('ENOENT');
  });

  it('validate --settings: literal credentials in settings files are warnings, as in pipelines; a malformed reference fails', async () => {
    const masters = file(
      'masters.yml',
      [
        'ci: { url: "https://jenkins.example", user: ci, apiToken: 11aa22bb33cc44dd55ee }',
        'ref: { url: "https://jenkins.example", user: ci, apiToken: "encrypted:secrets-manager!r:us-east-1!s:gennaker/jenkins!k:token" }',
        'legacy: { url: "https://jenkins.example", user: ci, apiToken: "arn:aws:secretsmanager:us-east-1:111111111111:secret:gennaker/jenkins" }',
      ].join('\n'),
    );
    const hooks = file(
      'hooks.json',
      JSON.stringify([{ type: 'settingsHook', url: 'https://hooks.example/x', customHeaders: { Authorization: 'Bearer literal-token-1234' } }]),
    );
    const context = file('context.json', JSON.stringify({ context: { 'gennaker:jenkinsMasters': masters, 'gennaker:preconfiguredWebhooks': hooks } }));
    const r = await cli('validate', '--settings', context, good);
    expect(r.code).toBe(0);
    expect(r.out).toContain('context.json: settings ok');
    expect(r.out).toContain('ok (app/p, 2 stages)');
    const warnings = r.err.trim().split('\n');
    expect(warnings).toEqual([
      `${context}: warning: setting jenkinsMasters (${masters}) $.ci.apiToken: 'apiToken' holds a literal credential; store it in Secrets Manager and write a reference instead: encrypted:secrets-manager!r:<region>!s:<secret>[!k:<key>]`,
      `${context}: warning: setting preconfiguredWebhooks (${hooks}) $[0].customHeaders.Authorization: 'Authorization' holds a literal credential; store it in Secrets Manager and write a reference instead: encrypted:secrets-manager!r:<region>!s:<secret>[!k:<key>]`,
    ]);
    expect(r.err).not.toContain('11aa22bb33cc44dd55ee');

    const broken = file(
      'broken.json',
      JSON.stringify({ 'gennaker:jenkinsMasters': file('m2.yml', 'ci: { url: "https://j.example", user: u, apiToken: "encrypted:vault!s:x" }') }),
    );
    const bad = await cli('validate', '--settings', broken, '-o', 'json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out)).toEqual([
      { file: broken, ok: false, errors: [{ path: '$', message: expect.stringContaining("secret engine 'vault' is not supported") }], warnings: [] },
    ]);
  });

  it("validate refuses a reference to another application's secret, naming the path; one the settings share passes", async () => {
    const borrowing = file(
      'borrowing.json',
      JSON.stringify({
        application: 'shop',
        name: 'borrow',
        stages: [
          { refId: '1', type: 'webhook', url: 'https://h.example', customHeaders: { 'X-Key': 'encrypted:secrets-manager!r:us-east-1!s:gennaker/ops/key' } },
        ],
      }),
    );
    const refused = await cli('validate', borrowing);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(
      `${borrowing}: $.stages[0].customHeaders["X-Key"]: secret 'gennaker/ops/key' is not one application 'shop' may use: its pipelines may reference secrets named 'gennaker/shop/…'`,
    );
    const shared = file('context-shared.json', JSON.stringify({ 'gennaker:secretAccess': file('access.yml', 'shared: [gennaker/ops/]') }));
    const ok = await cli('validate', '--settings', shared, borrowing);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('ok (shop/borrow, 1 stage)');
  });

  it('compile prints ASL and graph prints Mermaid', async () => {
    const asl = await cli('compile', good);
    expect(asl.code).toBe(0);
    expect((JSON.parse(asl.out) as { StartAt: string }).StartAt).toBe('Start pipeline');
    const graph = await cli('graph', good);
    expect(graph.out).toMatch(/^flowchart LR\n/);
    expect(graph.out).toContain('s0 --> s1');
  });

  const commands = [[], ['validate'], ['compile'], ['graph'], ['run'], ['executions'], ['executions', 'list'], ['executions', 'show'], ['judge'], ['schema']];
  it.each(commands.map((c) => [c.join(' ') || '(top level)', c] as const))('has --help: %s', async (_label, command) => {
    const r = await cli(...command, '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: gennaker/);
  });

  it("docs schema prints the JSON Schema (as schema does), with each stage type's fields", async () => {
    const viaDocs = await cli('docs', 'schema');
    expect(viaDocs.code).toBe(0);
    expect(viaDocs.out).toBe((await cli('schema')).out);
    expect(viaDocs.out).toContain('"remainingEnabledServerGroups"');
  });

  it('refuses a bad judgment word with exit 2', async () => {
    const r = await cli('judge', 'x', 'y', 'maybe');
    expect(r.code).toBe(2);
    expect(r.err).toContain("judgment must be 'continue' or 'stop'");
  });

  it('run without --local explains itself', async () => {
    const r = await cli('run', good);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--local');
  });
});
