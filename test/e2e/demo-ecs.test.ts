/**
 * The ECS demo as people run it (`npm run demo-ecs`: `gennaker run --local pipelines/demo-ecs.yml`),
 * as a child process in its own local environment: the sandbox makes the ECS cluster, the listener
 * with its rule, the alarm and the previous release; the deploy shifts traffic in steps. An alarm set
 * to ALARM with SetAlarmState while the first step holds rolls the deploy back: the listener forwards
 * to the old service's target group alone, the canary target group is gone, the run ends TERMINAL
 * naming the alarm.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setAlarmState } from '../../local/alarms.js';
import { afterAll, describe, expect, it } from 'vitest';
import { resetClientCache } from '../../functions/core/aws-clients.js';
import { cloudClients } from '../../functions/core/cloud/index.js';
import { trafficWorld } from '../support/cloud-stages/traffic-fixtures.js';
import { cli, projectRoot, startCli } from '../support/cli-process.js';

const state = mkdtempSync(join(tmpdir(), 'gennaker-demo-ecs-'));
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
const env = { ...clean, GENNAKER_STATE_DIR: state };
const gennaker = (...args: string[]) => cli(args, { env });

afterAll(async () => {
  await gennaker('local', 'down', '--force');
}, 60_000);

/** The emulator the run's local environment started, for this process's clients. */
async function emulatorClients() {
  const status = await gennaker('local', 'status', '-o', 'json');
  const { endpoint } = JSON.parse(status.out) as { endpoint: string };
  Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  resetClientCache();
  return cloudClients({ region: 'us-east-1' });
}

describe('npm run demo-ecs', () => {
  it('GIVEN the ECS demo running WHEN its alarm goes into ALARM mid-steps THEN traffic goes back to the old service and the run ends TERMINAL naming the alarm', async () => {
    expect((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['demo-ecs']).toContain(
      'run --local pipelines/demo-ecs.yml',
    );
    const run = startCli(['run', '--local', join(projectRoot, 'pipelines/demo-ecs.yml'), '--time-scale', '10'], { env });
    await run.waitFor(/Execution (\S+)/, 240_000);
    const clients = await emulatorClients();
    // Wait for the first step (10%) to hold, then fire the alarm.
    let route = '';
    for (const deadline = Date.now() + 240_000; Date.now() < deadline && run.child.exitCode === null;) {
      route = Object.values((await trafficWorld(clients)).routes).join(' | ');
      if (route.includes('canary=10')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(route).toContain('demoecs-web=90 canary=10');
    await setAlarmState(clients.cloudwatch, 'demoecs-web-5xx', 'ALARM', 'demo: 5xx over threshold');
    const done = await run.done;
    expect(done.code, done.out + done.err).not.toBe(0);
    expect(done.out).toContain('rollbackAlarms: alarm demoecs-web-5xx is in ALARM (demo: 5xx over threshold) at 10% on demoecs-web-v001');
    expect(done.out).toMatch(/Pipeline TERMINAL/);
    // The listener forwards to the old service's target group alone; the canary target group is gone.
    const after = await trafficWorld(clients);
    expect(Object.values(after.routes).every((r) => r === 'demoecs-web' || !r.includes('canary'))).toBe(true);
    expect(Object.values(after.routes)).toContain('demoecs-web');
    expect(after.targetGroups).not.toContain('gk-canary');
    // The cluster view the run prints afterwards: the previous release serves, the new one is disabled.
    const clusters = done.out.slice(done.out.indexOf('Clusters after the run'));
    expect(clusters).toMatch(/demoecs-web-v000\s+SERVING/);
    expect(clusters).toMatch(/demoecs-web-v001\s+disabled/);
  }, 600_000);
});
