/** The console's pure parts: routes, polling delays, the DAG layout, the parameter form's start values. */
import { describe, expect, it } from 'vitest';
import { layoutStages, NODE_WIDTH } from '../src/graph.js';
import { ERROR_MAX_MS, HIDDEN_MAX_MS, nextDelay } from '../src/poll.js';
import { parseRoute, paths } from '../src/router.js';
import { isActive, isFinal, RESTARTABLE, statusClass } from '../src/status.js';
import { RESTARTABLE_STATUSES } from '../../functions/core/restart.js';
import { duration } from '../src/format.js';
import { initialValues } from '../src/views/StartRun.js';

describe('routes', () => {
  it('reads every view from its path, and the notification link opens the run', () => {
    expect(parseRoute('/')).toEqual({ view: 'applications' });
    expect(parseRoute('/applications/my%20app')).toEqual({ view: 'application', application: 'my app' });
    expect(parseRoute('/applications/a/clusters')).toEqual({ view: 'clusters', application: 'a' });
    expect(parseRoute('/applications/a/pipelines/p%2Fq/start')).toEqual({ view: 'start', application: 'a', pipeline: 'p/q' });
    expect(parseRoute('/executions/e-1', '?stage=deploy')).toEqual({ view: 'run', executionId: 'e-1', stage: 'deploy' });
    expect(parseRoute('/executions/e-1/')).toEqual({ view: 'run', executionId: 'e-1' });
    expect(parseRoute('/elsewhere')).toEqual({ view: 'not-found', path: '/elsewhere' });
    expect(parseRoute('/executions/%E0%A4%A')).toEqual({ view: 'run', executionId: '%E0%A4%A' });
    for (const path of [paths.run('x y', 'a&b'), paths.start('a', 'b'), paths.clusters('c'), paths.application('d')]) {
      const [p, q] = path.split('?');
      expect(parseRoute(p!, q ? `?${q}` : '').view).not.toBe('not-found');
    }
  });
});

describe('polling', () => {
  it('keeps the interval while visible, doubles it while hidden or failing, up to a cap', () => {
    expect(nextDelay(2000, 2000, false, false)).toBe(2000);
    expect(nextDelay(2000, 16_000, false, false)).toBe(2000);
    expect(nextDelay(2000, 2000, true, false)).toBe(4000);
    expect(nextDelay(2000, HIDDEN_MAX_MS, true, false)).toBe(HIDDEN_MAX_MS);
    expect(nextDelay(2000, 2000, false, true)).toBe(4000);
    expect(nextDelay(2000, 20_000, false, true)).toBe(ERROR_MAX_MS);
  });
});

describe('stage graph layout', () => {
  it('puts parallel branches in one column, in different rows, and a join after both', () => {
    const layout = layoutStages([
      { refId: 'a', requisiteStageRefIds: [] },
      { refId: 'b', requisiteStageRefIds: ['a'] },
      { refId: 'c', requisiteStageRefIds: ['a'] },
      { refId: 'd', requisiteStageRefIds: ['b', 'c', 'gone'] },
    ]);
    const at = Object.fromEntries(layout.nodes.map((n) => [n.refId, n]));
    expect(at.b!.x).toBe(at.c!.x);
    expect(at.b!.y).not.toBe(at.c!.y);
    expect(at.b!.x).toBeGreaterThanOrEqual(at.a!.x + NODE_WIDTH);
    expect(at.d!.x).toBeGreaterThanOrEqual(at.b!.x + NODE_WIDTH);
    expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['a>b', 'a>c', 'b>d', 'c>d']);
    expect(layout.width).toBeGreaterThanOrEqual(3 * NODE_WIDTH);
  });
});

describe('statuses and times', () => {
  it('knows what can still change and how to colour it', () => {
    expect(isFinal('SUCCEEDED') && isFinal('TERMINAL') && isFinal('CANCELED')).toBe(true);
    expect(isFinal('RUNNING') || isFinal('NOT_STARTED') || isFinal('PAUSED')).toBe(false);
    expect(isActive('PAUSED') && isActive('NOT_STARTED') && !isActive('SUCCEEDED')).toBe(true);
    expect(statusClass('FAILED_CONTINUE')).toBe('status-warning');
    expect(statusClass('WHATEVER')).toBe('status-not-started');
    expect([duration(5_400), duration(65_000), duration(3_725_000), duration(-1)]).toEqual(['5s', '1m 05s', '1h 02m', '0s']);
  });

  it('offers restart on exactly the statuses the API restarts', () => {
    expect([...RESTARTABLE].sort()).toEqual([...RESTARTABLE_STATUSES].sort());
  });
});

describe('the parameter form', () => {
  it('starts from defaults, and from the first option of a required choice', () => {
    expect(
      initialValues([
        { name: 'a', default: 'x' },
        { name: 'b', required: true, hasOptions: true, options: [{ value: 'p' }, { value: 'q' }] },
        { name: 'c', hasOptions: true, options: [{ value: 'p' }] },
        { name: 'd', default: 3 },
        { name: 'e', default: null },
      ]),
    ).toEqual({ a: 'x', b: 'p', c: '', d: '3', e: '' });
  });
});
