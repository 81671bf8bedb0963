import { describe, expect, it } from 'vitest';
import { formBody, jobPath, queueIdFromLocation } from '../../../../../../functions/stages/external/jenkins/api.js';
import { parseJenkinsConfig, triggerMarker } from '../../../../../../functions/stages/external/jenkins/stage.js';

describe('Jenkins request helpers', () => {
  it('builds job paths for folders and names with spaces', () => {
    expect(jobPath('deploy')).toBe('/job/deploy');
    expect(jobPath('team/sub folder/build app')).toBe('/job/team/job/sub%20folder/job/build%20app');
  });

  it('reads the queue id from a Location header', () => {
    expect(queueIdFromLocation('https://ci.example/queue/item/42/')).toBe(42);
    expect(queueIdFromLocation('https://ci.example/queue/item/42')).toBe(42);
    expect(queueIdFromLocation('https://ci.example/job/x/')).toBeUndefined();
    expect(queueIdFromLocation(undefined)).toBeUndefined();
  });

  it('encodes parameters as a form, lists as repeated names', () => {
    expect(formBody({ VERSION: '1.0 beta', TARGETS: ['a', 'b&c'] })).toBe('VERSION=1.0+beta&TARGETS=a&TARGETS=b%26c');
  });
});

describe('parseJenkinsConfig', () => {
  it("reads Spinnaker's fields, turning parameter values into text", () => {
    expect(parseJenkinsConfig({ master: 'ci', job: 'deploy', parameters: { N: 3, DRY: false, LIST: ['a', 1] }, propertyFile: 'out.properties' })).toEqual({
      value: {
        master: 'ci',
        job: 'deploy',
        parameters: { N: '3', DRY: 'false', LIST: ['a', '1'] },
        propertyFile: 'out.properties',
        markUnstableAsSuccessful: false,
        waitForCompletion: true,
      },
      problems: [],
    });
  });

  it('lists every problem', () => {
    expect(parseJenkinsConfig({ job: 7, parameters: { GENNAKER_TRIGGER_ID: 'x', O: { a: 1 } }, waitForCompletion: 'maybe' }).problems).toEqual([
      'job: must be a string',
      'master: required (a configured Jenkins master)',
      'parameters.GENNAKER_TRIGGER_ID: reserved for Gennaker',
      'parameters.O: must be a text, number, boolean or a list of them',
      'waitForCompletion: must be true or false',
    ]);
  });

  it('makes a marker unique per stage run and stable across its calls', () => {
    expect(triggerMarker('e1', '1', 1000)).toBe(triggerMarker('e1', '1', 1000));
    expect(triggerMarker('e1', '1', 1000)).not.toBe(triggerMarker('e1', '1', 2000));
    expect(triggerMarker('e1', '1', 1000)).toMatch(/^[0-9a-f]{32}$/);
  });
});
