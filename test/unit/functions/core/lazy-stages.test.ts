import { describe, expect, it } from 'vitest';
import { stageTypesOf } from '../../../../state-machines/stage-types/index.js';
import { implementationOf } from '../../../../functions/core/engine/deps.js';
import { lazyStages } from '../../../../functions/core/lazy-stages.js';
import type { StageImplementation } from '../../../../functions/core/stage-api.js';
import { canaryStages } from '../../../../functions/stages/canary/family.js';
import { cloudEnv, cloudStagesOf } from '../../../../functions/stages/cloud/index.js';
import { httpStages } from '../../../../functions/stages/external/http-stages.js';
import { externalStages } from '../../../../functions/stages/external/index.js';

const stage = (type: string): StageImplementation => ({ type, run: () => Promise.resolve({ status: 'SUCCEEDED' }) });

describe('lazyStages', () => {
  it('GIVEN a group of types WHEN two of them are called THEN the group loads once, and a type it lacks has no implementation', async () => {
    let loads = 0;
    const implementations = lazyStages(['a', 'b', 'c'], () => {
      loads++;
      return Promise.resolve([stage('a'), stage('b')]);
    });
    expect(loads).toBe(0);
    expect((await implementationOf({ implementations }, 'a'))?.type).toBe('a');
    expect((await implementationOf({ implementations }, 'b'))?.type).toBe('b');
    expect(await implementationOf({ implementations }, 'c')).toBeUndefined();
    expect(await implementationOf({ implementations }, 'other')).toBeUndefined();
    expect(loads).toBe(1);
  });

  it('GIVEN a load that fails WHEN called again THEN it loads again', async () => {
    let loads = 0;
    const implementations = lazyStages(['a'], () => (++loads === 1 ? Promise.reject(new Error('chunk missing')) : Promise.resolve([stage('a')])));
    await expect(implementationOf({ implementations }, 'a')).rejects.toThrow('chunk missing');
    expect((await implementationOf({ implementations }, 'a'))?.type).toBe('a');
  });

  // The lazy handlers name their types from the stage type table before loading any code: the
  // table's family must list exactly what the family implements.
  it('GIVEN the cloud and canary families THEN the stage type table lists exactly the types they implement', () => {
    expect(
      cloudStagesOf(cloudEnv())
        .map((s) => s.type)
        .sort(),
    ).toEqual(stageTypesOf('cloud'));
    expect(
      canaryStages()
        .map((s) => s.type)
        .sort(),
    ).toEqual(stageTypesOf('canary'));
  });

  it('GIVEN the external function THEN its eager HTTP stages and its lazy runJob are the family externalStages() builds', () => {
    expect([...httpStages({}).map((s) => s.type), 'runJob']).toEqual(externalStages().map((s) => s.type));
  });
});
