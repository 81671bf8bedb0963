/**
 * Output people can script and read, driven as a user does: --version, -o json|yaml on read
 * commands, one error prefix, exit codes, --help with examples on every command, shell completion
 * (sourced into a real bash), and colour only on a terminal without NO_COLOR (a real pseudo-terminal).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildProgram, main } from '../../cli/main.js';
import { processIo } from '../../cli/io.js';
import { cli, projectRoot, startCli } from '../support/cli-process.js';

const state = mkdtempSync(join(tmpdir(), 'gennaker-out-'));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR'));
const env = { ...clean, GENNAKER_STATE_DIR: state };
const gennaker = (...args: string[]) => cli(args, { env: { ...env, NO_COLOR: '1' } });

// A finished run's saved record: what `executions` reads when no environment is up.
mkdirSync(join(state, 'executions'), { recursive: true });
const t0 = Date.parse('2026-12-01T10:00:00Z');
writeFileSync(
  join(state, 'executions', 'rel-1.json'),
  JSON.stringify({
    id: 'rel-1',
    application: 'demo',
    pipelineName: 'release',
    status: 'TERMINAL',
    startTime: t0,
    endTime: t0 + 95_000,
    error: "stage 'Deploy' failed",
    stages: [
      {
        refId: '1',
        name: 'Bake',
        type: 'bake',
        status: 'SUCCEEDED',
        requisiteStageRefIds: [],
        context: {},
        outputs: { imageId: 'ami-123' },
        startTime: t0,
        endTime: t0 + 60_000,
      },
      {
        refId: '2',
        name: 'Deploy',
        type: 'deploy',
        status: 'TERMINAL',
        requisiteStageRefIds: ['1'],
        context: {},
        outputs: {},
        startTime: t0 + 60_000,
        endTime: t0 + 95_000,
        error: 'no capacity',
      },
    ],
  }),
);

// Several CLI processes per test: generous on a loaded machine.
describe('output', { timeout: 180_000 }, () => {
  it('--version prints the package version', async () => {
    const r = await gennaker('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('executions list and show: a table by default, JSON and YAML on request', async () => {
    const table = await gennaker('executions', 'list');
    expect(table.out.trim()).toBe('rel-1  demo/release  TERMINAL  2026-12-01T10:00:00Z');
    const listed = JSON.parse((await gennaker('executions', 'list', '-o', 'json')).out);
    expect(listed).toEqual([expect.objectContaining({ id: 'rel-1', status: 'TERMINAL' })]);
    const shown = await gennaker('executions', 'show', 'rel-1');
    expect(shown.out.split('\n')).toEqual([
      'rel-1  demo/release  TERMINAL  1m35s',
      expect.stringMatching(/^ {2}✓ Bake +SUCCEEDED +1m00s$/),
      expect.stringMatching(/^ {6}imageId=ami-123$/),
      expect.stringMatching(/^ {4}✗ Deploy +TERMINAL +35\.0 s {2}no capacity$/),
      "error: stage 'Deploy' failed",
      '',
    ]);
    expect(parse((await gennaker('executions', 'show', 'rel-1', '-o', 'yaml')).out)).toMatchObject({
      id: 'rel-1',
      stages: [{ name: 'Bake' }, { name: 'Deploy' }],
    });
  });

  it('validate and graph: JSON for scripts', async () => {
    const bad = join(state, 'bad.yml');
    writeFileSync(bad, 'application: a\nname: b\nstages:\n  - refId: "1"\n    type: wiat\n');
    const r = await gennaker('validate', join(projectRoot, 'pipelines/demo.yml'), bad, '-o', 'json');
    expect(r.code).toBe(2);
    const results = JSON.parse(r.out) as Array<{ file: string; ok: boolean; errors: Array<{ path: string }> }>;
    expect(results.map((x) => x.ok)).toEqual([true, false]);
    expect(results[1]!.errors[0]!.path).toBe('$.stages[0].type');
    const graph = JSON.parse((await gennaker('graph', join(projectRoot, 'pipelines/demo.yml'), '-o', 'json')).out) as { edges: unknown[] };
    expect(graph.edges).toContainEqual({ from: 'bake', to: 'staging' });
    const table = (await gennaker('graph', join(projectRoot, 'pipelines/demo.yml'), '-o', 'table')).out.split('\n');
    expect(table[0]).toMatch(/^REF +STAGE +TYPE +AFTER$/);
    expect(table).toContainEqual(expect.stringMatching(/^staging +Deploy to staging +deploy +bake$/));
  });

  it('one error prefix on stderr and exit 2 for bad options, 1 for a missing execution', async () => {
    const bogus = await gennaker('executions', 'list', '--status', 'BOGUS');
    expect(bogus.code).toBe(2);
    expect(bogus.out).toBe('');
    expect(bogus.err).toMatch(/^gennaker: option '--status <status>' argument 'BOGUS' is invalid/);
    const format = await gennaker('executions', 'list', '-o', 'xml');
    expect(format.code).toBe(2);
    expect(format.err).toMatch(/^gennaker: option '-o, --output <format>' argument 'xml' is invalid/);
    const missing = await gennaker('executions', 'show', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^gennaker: no execution 'nope'/);
  });

  it('every command has --help with examples, and the top level documents exit codes', async () => {
    const top = await gennaker('--help');
    expect(top.out).toMatch(/Exit status:\n {2}0 {2}done/);
    const paths: string[][] = [];
    const visit = (command: ReturnType<typeof buildProgram>, path: string[]) => {
      for (const sub of command.commands) {
        paths.push([...path, sub.name()]);
        visit(sub, [...path, sub.name()]);
      }
    };
    visit(buildProgram(processIo), []);
    const missing: string[] = [];
    for (const path of paths) {
      let out = '';
      let code = -1;
      await main([...path, '--help'], { out: (l) => (out += `${l}\n`), err: () => undefined, write: (t) => (out += t), exit: (c) => (code = c) });
      if (code !== 0 || !/Examples:\n {2}\S/.test(out)) missing.push(path.join(' '));
      // Examples work as shown: npm install puts no `gennaker` on PATH, so they say npx gennaker.
      const examples = out.split('Examples:\n')[1]?.split('\n\n')[0]?.split('\n') ?? [];
      for (const line of examples.filter((l) => l.trim() && !/^ {2}(npx gennaker |eval "\$\(npx gennaker )/.test(l)))
        missing.push(`${path.join(' ')}: ${line}`);
    }
    expect(missing).toEqual([]);
  });

  it('bash completion from the commands themselves, for npx gennaker too', async () => {
    const script = (await gennaker('completion', 'bash')).out;
    const complete = (...words: string[]) =>
      execFileSync(
        'bash',
        ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gennaker_complete; echo "\${COMPREPLY[*]}"`],
        { encoding: 'utf8' },
      ).trim();
    expect(complete('gennaker', 'exec')).toBe('executions');
    expect(complete('gennaker', 'executions', '')).toContain('list');
    expect(complete('gennaker', 'executions', 'list', '--st')).toBe('--status');
    expect(complete('gennaker', 'local', '')).toBe('up down status --help');
    // As the README runs it, and the fixed values of options and arguments.
    expect(complete('npx', 'gen')).toBe('gennaker');
    expect(complete('npx', 'gennaker', 'exec')).toBe('executions');
    expect(complete('npx', 'gennaker', 'executions', 'list', '--status', 'T')).toBe('TERMINAL');
    expect(complete('npx', 'gennaker', 'clusters', 'demo', '-o', '')).toBe('table json yaml');
    expect(complete('npx', 'gennaker', 'executions', 'list', '-o', 'json', '--st')).toBe('--status');
    expect(complete('npx', 'gennaker', 'completion', '')).toBe('bash zsh --help');
    // Other npx commands are left to the shell's default (file names).
    expect(complete('npx', 'tsc', '')).toBe('');
  });

  it('colour on a terminal, none with NO_COLOR or without a terminal', async () => {
    const inTerminal = async (extra: Record<string, string>) => {
      const command = [process.execPath, join(projectRoot, 'cli/bin.mjs'), 'executions', 'show', 'rel-1'].map((a) => `'${a}'`).join(' ');
      const run = startCli([], { env: { ...env, ...extra }, program: ['script', '-qfec', command, '/dev/null'] });
      return (await run.done).out;
    };
    // NO_COLOR set but empty means colour (no-color.org).
    expect(await inTerminal({ NO_COLOR: '' })).toContain('\x1b[32mSUCCEEDED');
    expect(await inTerminal({ NO_COLOR: '1' })).not.toContain('\x1b[');
    expect((await cli(['executions', 'show', 'rel-1'], { env })).out).not.toContain('\x1b[');
  });
});
