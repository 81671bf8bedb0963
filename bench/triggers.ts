/**
 * Trigger path benchmark, against a moto_server it starts itself:
 *
 * 1. Replays: 1,000 concurrent deliveries of the same signed GitHub push must start exactly one
 *    execution (the dedupe table's conditional put, backed by the deterministic execution name).
 *    Asserted: the run fails if Step Functions shows anything but one execution.
 * 2. Throughput: distinct deliveries through the whole webhook path (read, verify the HMAC,
 *    normalise, match, claim in the dedupe table, StartExecution), with a bounded number in flight,
 *    for a pipeline without a concurrency limit and for one that runs one at a time (the rest queue).
 * 3. The pure part alone (verify + parse + normalise + match), to show where the time goes.
 *
 * The emulator is single-process Python; AWS itself is faster per call, so read the numbers as the
 * cost of our calls, not as a production ceiling.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateStateMachineCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { resetClientCache, sfnClient } from '../functions/core/aws-clients.js';
import { StaticPipelineRegistry } from '../functions/core/pipeline-registry.js';
import { MemoryNotifier } from '../functions/core/notifications.js';
import { ensureTables } from '../functions/core/tables.js';
import { triggerClients, resetTriggerClients } from '../functions/triggers/clients.js';
import { buildTriggerDeps, type TriggerDeps } from '../functions/triggers/deps.js';
import { matchGitTrigger } from '../functions/triggers/git/match.js';
import { normalizeGitHub } from '../functions/triggers/git/normalize.js';
import { handleGitWebhook } from '../functions/triggers/git/webhook.js';
import { parseJsonObject, readWebhookRequest } from '../functions/triggers/http.js';
import { MemoryLog } from '../functions/core/log.js';
import { SecretsManagerSource, webhookSecrets } from '../functions/triggers/secrets.js';
import { hubSignature256, verifyHubSignature256 } from '../functions/triggers/signatures.js';
import { startMoto } from '../local/moto.js';
import type { Pipeline } from '../state-machines/model/pipeline.js';
import { validatePipeline } from '../state-machines/model/validate.js';

interface BenchResult {
  name: string;
  rows: Array<Record<string, string | number>>;
  notes?: string[];
}

const SECRET = 'bench-webhook-secret';
const REPLAYS = 1000;
const DISTINCT = 400;
const QUEUED = 150;
const IN_FLIGHT = 32;
const PURE = 5000;

const PUSH = JSON.stringify({
  ref: 'refs/heads/main',
  before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
  after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
  repository: { id: 1, name: 'shop', full_name: 'acme/shop', owner: { name: 'acme', login: 'acme' } },
  pusher: { name: 'alice' },
  sender: { login: 'alice' },
  commits: Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, message: `change ${i}`, added: [], removed: [], modified: [`src/file${i}.ts`] })),
});

function pipeline(name: string, limitConcurrent: boolean): Pipeline {
  const result = validatePipeline({
    application: 'bench',
    name,
    limitConcurrent,
    keepWaitingPipelines: true,
    triggers: [{ type: 'git', source: 'github', project: 'acme', slug: 'shop', branch: 'main' }],
    stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
  });
  if (!result.pipeline) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.pipeline;
}

function delivery(id: string, body = PUSH) {
  return readWebhookRequest({
    rawPath: '/webhooks/git/github',
    isBase64Encoded: false,
    body,
    headers: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': id, 'X-Hub-Signature-256': hubSignature256(SECRET, Buffer.from(body)) },
  });
}

async function pool<T>(count: number, inFlight: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function executionsOf(arn: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(new ListExecutionsCommand({ stateMachineArn: arn, maxResults: 1000, nextToken }));
    count += page.executions?.length ?? 0;
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

export async function run(): Promise<BenchResult> {
  const saved = { ...process.env };
  const moto = await startMoto();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  });
  resetClientCache();
  resetTriggerClients();
  try {
    await ensureTables();
    const free = pipeline('free', false);
    const single = pipeline('single', true);
    const machines: Record<string, string> = {};
    for (const p of [free, single]) {
      const out = await sfnClient().send(
        new CreateStateMachineCommand({
          name: `bench-${p.id}`,
          roleArn: 'arn:aws:iam::123456789012:role/bench',
          definition: JSON.stringify({ StartAt: 'Run', States: { Run: { Type: 'Pass', End: true } } }),
        }),
      );
      machines[p.id] = out.stateMachineArn!;
    }
    process.env.GENNAKER_STATE_MACHINES = JSON.stringify(Object.fromEntries(Object.entries(machines).map(([id, arn]) => [`bench/${id}`, arn])));
    await triggerClients.secretsManager().send(new CreateSecretCommand({ Name: 'bench/webhooks', SecretString: JSON.stringify({ github: SECRET }) }));

    const depsFor = (pipelines: Pipeline[]): TriggerDeps =>
      buildTriggerDeps({
        registry: new StaticPipelineRegistry(pipelines),
        log: new MemoryLog(),
        notifier: new MemoryNotifier(),
        secrets: webhookSecrets(new SecretsManagerSource(), { secretsId: 'bench/webhooks' }),
        env: {},
      });
    const rows: BenchResult['rows'] = [];

    // 1. The same delivery 1,000 times at once.
    {
      const deps = depsFor([free]);
      const request = delivery('replayed-delivery');
      const started = Date.now();
      const results = await Promise.all(Array.from({ length: REPLAYS }, () => handleGitWebhook(request, deps, 'github')));
      const seconds = (Date.now() - started) / 1000;
      const statuses = results.flatMap((r) => ((r.body as { outcomes?: Array<{ status: string }> }).outcomes ?? []).map((o) => o.status));
      const startedCount = statuses.filter((s) => s === 'started').length;
      const executions = await executionsOf(machines[free.id]!);
      if (startedCount !== 1 || executions !== 1) {
        throw new Error(`${REPLAYS} concurrent replays started ${startedCount} (Step Functions shows ${executions} executions); expected exactly 1`);
      }
      rows.push({
        scenario: `${REPLAYS} concurrent copies of one delivery`,
        deliveries: REPLAYS,
        'executions started': executions,
        duplicates: statuses.filter((s) => s === 'duplicate').length,
        seconds: Number(seconds.toFixed(2)),
        'events/s': Math.round(REPLAYS / seconds),
        'p50 ms': '-',
        'p99 ms': '-',
      });
    }

    // 2. Distinct deliveries: no limit, then one at a time (all but one queue).
    for (const [label, p, count] of [
      ['distinct deliveries, no concurrency limit', free, DISTINCT],
      ['distinct deliveries, limitConcurrent (queued)', single, QUEUED],
    ] as const) {
      const deps = depsFor([p]);
      const before = await executionsOf(machines[p.id]!);
      const latencies: number[] = [];
      const started = Date.now();
      const results = await pool(count, IN_FLIGHT, async (i) => {
        const t0 = performance.now();
        const result = await handleGitWebhook(delivery(`${p.id}-delivery-${i}`), deps, 'github');
        latencies.push(performance.now() - t0);
        return result;
      });
      const seconds = (Date.now() - started) / 1000;
      const statuses = results.flatMap((r) => ((r.body as { outcomes?: Array<{ status: string }> }).outcomes ?? []).map((o) => o.status));
      latencies.sort((a, b) => a - b);
      rows.push({
        scenario: label,
        deliveries: count,
        'executions started': (await executionsOf(machines[p.id]!)) - before,
        duplicates: statuses.filter((s) => s === 'duplicate').length,
        seconds: Number(seconds.toFixed(2)),
        'events/s': Math.round(count / seconds),
        'p50 ms': Number(percentile(latencies, 50).toFixed(1)),
        'p99 ms': Number(percentile(latencies, 99).toFixed(1)),
      });
      if (p === single && statuses.filter((s) => s === 'waiting').length !== count - 1) {
        throw new Error(`limitConcurrent: expected ${count - 1} waiting runs, got ${statuses.filter((s) => s === 'waiting').length}`);
      }
    }

    // 3. The pure part: verify, parse, normalise, match.
    {
      const request = delivery('pure');
      const config = free.triggers[0]!;
      const started = performance.now();
      for (let i = 0; i < PURE; i++) {
        if (!verifyHubSignature256(SECRET, request.rawBody, request.headers['x-hub-signature-256'])) throw new Error('signature');
        const normalized = normalizeGitHub('push', parseJsonObject(request.rawBody));
        if (normalized.kind !== 'event' || !matchGitTrigger(config, normalized.event).matched) throw new Error('no match');
      }
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        scenario: 'verify + parse + normalise + match only (no AWS)',
        deliveries: PURE,
        'executions started': 0,
        duplicates: 0,
        seconds: Number(seconds.toFixed(3)),
        'events/s': Math.round(PURE / seconds),
        'p50 ms': Number(((seconds * 1000) / PURE).toFixed(3)),
        'p99 ms': '-',
      });
    }

    return {
      name: 'triggers',
      rows,
      notes: [
        `Against moto_server on loopback (single Python process), ${IN_FLIGHT} deliveries in flight for the distinct-delivery rows.`,
        'Replays: every copy verifies its signature and races for the dedupe item; exactly one wins and starts the execution (asserted against Step Functions).',
        'Queued row: one run starts; every other delivery is recorded as a waiting NOT_STARTED execution (slot attempt, stale-holder check, record, second slot attempt).',
      ],
    };
  } finally {
    await moto.stop();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    resetClientCache();
    resetTriggerClients();
  }
}
