/**
 * `gennaker cancel` in local mode ends an execution as every caller does (engine/execution-end.ts),
 * what follows included: the pipeline's next waiting run starts (limitConcurrent), and the
 * completed event starts the pipelines it triggers, both running on in the canceling process, which
 * a cancel from another shell reaches. The CLI as child processes against the test's emulator, in a
 * project folder of their own.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../functions/core/execution-model.js';
import { directoryRegistry } from '../../functions/core/pipeline-files.js';
import type { PipelineLauncher } from '../../functions/core/pipeline-launcher.js';
import { MemoryLog } from '../../functions/core/log.js';
import { MemoryNotifier } from '../../functions/core/notifications.js';
import { buildTriggerDeps } from '../../functions/triggers/deps.js';
import { triggerManually } from '../../functions/triggers/manual/manual.js';
import { cli, type CliProcess, startCli } from '../support/cli-process.js';
import { useLocalAws } from '../support/local.js';
import { waitFor } from '../support/wait.js';

useLocalAws();

const project = mkdtempSync(join(tmpdir(), 'gennaker-cancel-'));
mkdirSync(join(project, '.gennaker'));
mkdirSync(join(project, 'pipelines'));
const queued = join(project, 'pipelines/queued.yml');
writeFileSync(
  queued,
  'application: queue\nname: queued\nlimitConcurrent: true\nkeepWaitingPipelines: true\nstages:\n  - refId: "1"\n    type: wait\n    name: Long wait\n    waitTime: 600\n',
);
writeFileSync(
  join(project, 'pipelines/after.yml'),
  'application: queue\nname: after\nlimitConcurrent: false\ntriggers:\n  - type: pipeline\n    application: queue\n    pipeline: queue-queued\n    status: [canceled]\nstages:\n  - refId: "1"\n    type: wait\n    name: Short wait\n    waitTime: 1\n',
);
const env = { GENNAKER_STATE_DIR: join(project, '.gennaker') };
const processes: CliProcess[] = [];

/** Starts a run as `gennaker run --local` in a process of its own (a local run's owner), as admitted runs start. */
const processLauncher = (store: { getExecution(id: string): Promise<ExecutionRecord | undefined> }): PipelineLauncher => ({
  start: async (request) => {
    processes.push(startCli(['run', '--local', queued, '--execution-id', request.executionId], { cwd: project, env }));
    return { executionId: request.executionId };
  },
  status: async (id) => (await store.getExecution(id))?.status,
});

/** CLI processes on a loaded machine: a long deadline, polled gently. */
const until = <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => waitFor(probe, what, 120_000, 200);

afterAll(() => {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

describe('gennaker cancel (local)', () => {
  it('starts the next waiting run and emits the completed event: both run on in the canceling process, which another shell can cancel', async () => {
    const deps = buildTriggerDeps({
      registry: directoryRegistry(join(project, 'pipelines')),
      launcher: processLauncher,
      notifier: new MemoryNotifier(),
      log: new MemoryLog(),
    });
    const first = await triggerManually({ application: 'queue', pipeline: 'queued', user: 'alice' }, deps);
    expect(first.status).toBe('started');
    await until(
      async () => ((await deps.store.load(first.executionId).catch(() => undefined))?.stages[0]?.status === 'RUNNING' ? true : undefined),
      'the first run',
    );
    const second = await triggerManually({ application: 'queue', pipeline: 'queued', user: 'bob', idempotencyKey: 'second' }, deps);
    expect(second.status).toBe('waiting');

    const canceling = startCli(['cancel', first.executionId], { cwd: project, env });
    processes.push(canceling);
    await canceling.waitFor(new RegExp(`${first.executionId}: CANCELED`), 120_000);
    await canceling.waitFor(new RegExp(`Started ${second.executionId} \\(queue/queued\\): it runs in this process`), 120_000);
    expect((await processes[0]!.done).code).toBe(1);
    await until(async () => ((await deps.store.load(second.executionId)).stages[0]?.status === 'RUNNING' ? true : undefined), 'the waiting run running');

    // The completed event of the canceled run, once: the pipeline it triggers ran here to its end.
    const children = await until(async () => {
      const runs = (await deps.store.list({ application: 'queue', pipelineName: 'after' })).filter(
        (r) => (r.trigger.parentExecution as { id?: string } | undefined)?.id === first.executionId,
      );
      return runs.some((r) => r.status === 'SUCCEEDED') ? runs : undefined;
    }, 'the triggered pipeline');
    expect(children).toHaveLength(1);

    // From another shell: this process holds the run, so it is signalled and cancels it.
    const other = await cli(['cancel', second.executionId], { cwd: project, env });
    expect(other.out).toContain(`${second.executionId}: CANCELED`);
    const done = await canceling.done;
    expect(done.code).toBe(0);
    expect(done.out).toContain(`${second.executionId}: CANCELED`);
    expect((await deps.store.getExecution(second.executionId))?.canceledBy).toBeDefined();
  }, 300_000);
});
