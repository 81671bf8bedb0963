import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExpectedArtifacts } from '../../../../state-machines/model/expected-artifacts.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import { SPINNAKER_EXAMPLES } from '../../../support/fixtures.js';

describe('expectedArtifacts', () => {
  it("reads 019's github/file expected artifact as Deck exported it", () => {
    const raw = JSON.parse(readFileSync(join(SPINNAKER_EXAMPLES, '019.json'), 'utf8')) as { expectedArtifacts: unknown; triggers: Record<string, unknown>[] };
    const read = readExpectedArtifacts(raw.expectedArtifacts, raw.triggers);
    expect(read.errors).toEqual([]);
    expect(read.expectedArtifacts).toEqual([
      {
        id: 'bde8fefb-265c-4a30-bf01-2d1cbd136953',
        displayName: 'purple-monkey-99',
        matchArtifact: {
          artifactAccount: 'my-github-artifact-account',
          id: '2b9b9393-af50-4687-a309-45506829963d',
          name: 'https://api.github.com/repos/ecs-examples/spinnaker-artifacts/contents/demo-task-def.json',
          type: 'github/file',
        },
        defaultArtifact: {
          artifactAccount: 'my-github-artifact-account',
          id: '6df946fd-ada6-491a-842c-6d6ce2f76dbe',
          name: 'demo-task-def.json',
          reference: 'https://api.github.com/repos/ecs-examples/spinnaker-artifacts/contents/demo-task-def.json',
          type: 'github/file',
          version: 'master',
        },
        useDefaultArtifact: true,
        usePriorArtifact: false,
      },
    ]);
  });

  it('collects every problem with its path', () => {
    const read = readExpectedArtifacts(
      [
        { id: 'a', matchArtifact: { type: 'docker/image', name: '(a)\\1' } },
        { id: 'a', matchArtifact: { type: 'docker/image' }, useDefaultArtifact: true },
        { matchArtifact: {} },
      ],
      [
        { type: 'docker', expectedArtifactIds: ['a', 'missing'] },
        { type: 'git', expectedArtifactIds: 'a' },
      ],
    );
    expect(read.errors.map((e) => e.path)).toEqual([
      '$.expectedArtifacts[0].matchArtifact.name',
      '$.expectedArtifacts[1].id',
      '$.expectedArtifacts[1].defaultArtifact',
      '$.expectedArtifacts[2].id',
      '$.triggers[0].expectedArtifactIds[1]',
      '$.triggers[1].expectedArtifactIds',
    ]);
    expect(read.errors[1]!.message).toBe("duplicate expected artifact id 'a' (also $.expectedArtifacts[0])");
    expect(read.errors[4]!.message).toBe('no expected artifact has id "missing"');
  });

  it('puts them on the validated pipeline', () => {
    const result = validatePipeline({
      application: 'shop',
      name: 'deploy',
      expectedArtifacts: [{ id: 'img', displayName: 'image', matchArtifact: { type: 'docker/image', name: 'r/web' }, usePriorArtifact: true }],
      triggers: [{ type: 'docker', repository: 'web', expectedArtifactIds: ['img'] }],
      stages: [{ refId: '1', type: 'wait', name: 'Wait', waitTime: 1 }],
    });
    expect(result.errors).toEqual([]);
    expect(result.pipeline!.expectedArtifacts).toEqual([
      { id: 'img', displayName: 'image', matchArtifact: { type: 'docker/image', name: 'r/web' }, useDefaultArtifact: false, usePriorArtifact: true },
    ]);
    expect(validatePipeline({ application: 'a', name: 'b', expectedArtifacts: {}, stages: [] }).errors).toEqual([
      { path: '$.expectedArtifacts', message: 'must be a list of expected artifacts' },
    ]);
  });
});
