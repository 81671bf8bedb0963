/** The shared trafficSteps / rollbackAlarms format: accepted shapes, and every problem named by its path. */
import { describe, expect, it } from 'vitest';
import {
  readRollbackAlarms,
  readTrafficSteps,
  rollbackAlarmsProblems,
  trafficProblems,
  trafficStepsProblems,
} from '../../../../state-machines/stage-types/traffic-steps.js';

const P = 'clusters[0].trafficSteps';

describe('trafficStepsProblems', () => {
  it('accepts increasing weights ending at 100, pauses, analysis, numeric strings and expressions', () => {
    expect(
      trafficStepsProblems([{ weight: 10, pauseSec: 300 }, { weight: '50', pauseSec: '60', analysis: { canaryConfigId: 'x' } }, { weight: 100 }], P),
    ).toEqual([]);
    expect(trafficStepsProblems([{ weight: 100 }], P)).toEqual([]);
    expect(trafficStepsProblems('${parameters.steps}', P)).toEqual([]);
    expect(trafficStepsProblems([{ weight: '${parameters.first}' }, { weight: 100 }], P)).toEqual([]);
    expect(trafficStepsProblems(undefined, P)).toEqual([]);
  });

  it.each<[unknown, string[]]>([
    [[], [`${P}: must be a non-empty list of {weight, pauseSec?, analysis?}`]],
    [{ weight: 100 }, [`${P}: must be a non-empty list of {weight, pauseSec?, analysis?}`]],
    [[{ weight: 10 }, { weight: 50 }], [`${P}[1].weight: the last step must send all traffic (weight 100), got 50`]],
    [[{ weight: 50 }, { weight: 20 }, { weight: 100 }], [`${P}[1].weight: must be greater than the step before (50)`]],
    [[{ weight: 0 }, { weight: 100 }], [`${P}[0].weight: must be a whole number from 1 to 100 (got 0)`]],
    [[{ weight: 12.5 }, { weight: 100 }], [`${P}[0].weight: must be a whole number from 1 to 100 (got 12.5)`]],
    [[{ pauseSec: 10 }, { weight: 100 }], [`${P}[0].weight: required (percent of traffic on the new version)`]],
    [[{ weight: 10, pauseSec: -1 }, { weight: 100 }], [`${P}[0].pauseSec: must be whole seconds ≥ 0 (got -1)`]],
    [[{ weight: 10, analysis: 'yes' }, { weight: 100 }], [`${P}[0].analysis: must be an object (a canary config)`]],
    [[{ weight: 10, pause: 5 }, { weight: 100 }], [`${P}[0].pause: unknown field (known: weight, pauseSec, analysis)`]],
    [['10', { weight: 100 }], [`${P}[0]: must be an object {weight, pauseSec?, analysis?}`]],
  ])('%j → %j', (value, problems) => {
    expect(trafficStepsProblems(value, P)).toEqual(problems);
  });
});

describe('rollbackAlarmsProblems', () => {
  it('accepts a list of names', () => {
    expect(rollbackAlarmsProblems(['a', 'b'], 'rollbackAlarms')).toEqual([]);
  });
  it.each<[unknown, string]>([
    ['a', 'rollbackAlarms: must be a list of CloudWatch alarm names'],
    [['a', 3], 'rollbackAlarms[1]: must be an alarm name'],
    [['a', 'a'], 'rollbackAlarms: a listed twice'],
    [['x'.repeat(256)], 'rollbackAlarms[0]: alarm names are at most 255 characters'],
  ])('%j', (value, problem) => {
    expect(rollbackAlarmsProblems(value, 'rollbackAlarms')).toEqual([problem]);
  });
  it('trafficProblems checks both fields with a prefix', () => {
    expect(trafficProblems({ trafficSteps: [{ weight: 5 }], rollbackAlarms: {} }, 'x.')).toEqual([
      'x.trafficSteps[0].weight: the last step must send all traffic (weight 100), got 5',
      'x.rollbackAlarms: must be a list of CloudWatch alarm names',
    ]);
  });
});

describe('reading evaluated values', () => {
  it('turns numeric strings into numbers and keeps analysis', () => {
    expect(readTrafficSteps([{ weight: '25', pauseSec: '30', analysis: { a: 1 } }, { weight: 100 }], P)).toEqual({
      steps: [{ weight: 25, pauseSec: 30, analysis: { a: 1 } }, { weight: 100 }],
      problems: [],
    });
  });
  it('an expression left unevaluated is a problem at run time', () => {
    expect(readTrafficSteps([{ weight: '${x}' }, { weight: 100 }], P).problems).toEqual([`${P}: \${...} did not evaluate`]);
    expect(readRollbackAlarms(['${x}'], 'rollbackAlarms').problems).toEqual(['rollbackAlarms: ${...} did not evaluate']);
  });
  it('reads alarm names trimmed', () => {
    expect(readRollbackAlarms([' a '], 'rollbackAlarms')).toEqual({ alarms: ['a'], problems: [] });
  });
});
