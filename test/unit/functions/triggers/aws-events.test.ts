import { describe, expect, it } from 'vitest';
import { codeBuildTrigger, matchCodeBuildTrigger, normalizeCodeBuild } from '../../../../functions/triggers/codebuild/normalize.js';
import { dockerTrigger, matchDockerTrigger, normalizeEcrPush, parseAccountIds } from '../../../../functions/triggers/docker/normalize.js';
import { EventBridgeEnvelope } from '../../../../functions/triggers/events.js';
import { fixture } from './fixtures.js';

const codebuild = EventBridgeEnvelope.parse(fixture('aws-codebuild/build-state-succeeded.json'));
const ecr = EventBridgeEnvelope.parse(fixture('aws-ecr/image-action-push.json'));

describe('CodeBuild build state change', () => {
  it('turns the sample into a codebuild trigger', () => {
    const n = normalizeCodeBuild(codebuild);
    if (n.kind !== 'event') throw new Error(n.reason);
    expect(codeBuildTrigger(n.event)).toMatchObject({
      type: 'codebuild',
      project: 'my-sample-project',
      buildNumber: 55,
      account: '123456789012',
      region: 'us-west-2',
      user: 'MyCodeBuildDemoUser',
      buildInfo: {
        name: 'my-sample-project',
        number: 55,
        result: 'SUCCESS',
        url: expect.stringContaining('console.aws.amazon.com/cloudwatch'),
        artifacts: [{ location: 'arn:aws:s3:::codebuild-123456789012-output-bucket/my-output-artifact.zip' }],
        scm: [{ branch: 'my-source-version' }],
      },
      properties: { TEST: 'TEST' },
    });
  });

  it('records no build number when the event carries none (nothing invented)', () => {
    const detail = codebuild.detail as Record<string, Record<string, unknown>>;
    const { 'build-number': _n, ...info } = detail['additional-information']!;
    const n = normalizeCodeBuild({ ...codebuild, detail: { ...detail, 'additional-information': info } });
    if (n.kind !== 'event') throw new Error(n.reason);
    const trigger = codeBuildTrigger(n.event);
    expect(trigger).not.toHaveProperty('buildNumber');
    expect(trigger.buildInfo).not.toHaveProperty('number');
    expect(trigger.buildInfo).toMatchObject({ fullDisplayName: 'my-sample-project' });
  });

  it('keeps only PLAINTEXT environment variables', () => {
    const detail = codebuild.detail as Record<string, Record<string, Record<string, unknown>>>;
    const event = {
      ...codebuild,
      detail: {
        ...detail,
        'additional-information': {
          ...detail['additional-information'],
          environment: {
            'environment-variables': [
              { name: 'A', type: 'PLAINTEXT', value: '1' },
              { name: 'TOKEN', type: 'SECRETS_MANAGER', value: 'arn:...' },
            ],
          },
        },
      },
    };
    const n = normalizeCodeBuild(event);
    expect(n.kind === 'event' && n.event.properties).toEqual({ A: '1' });
  });

  it('ignores failed builds and other events', () => {
    expect(normalizeCodeBuild({ ...codebuild, detail: { ...(codebuild.detail as object), 'build-status': 'FAILED' } }).kind).toBe('ignored');
    expect(normalizeCodeBuild({ ...codebuild, source: 'aws.ecr' }).kind).toBe('ignored');
  });

  it('matches the project by name or pattern, and account/region when given', () => {
    const n = normalizeCodeBuild(codebuild);
    if (n.kind !== 'event') throw new Error('expected an event');
    expect(matchCodeBuildTrigger({ type: 'codebuild', project: 'my-sample-project' }, n.event).matched).toBe(true);
    expect(matchCodeBuildTrigger({ type: 'codebuild', project: 'my-.*' }, n.event).matched).toBe(true);
    expect(matchCodeBuildTrigger({ type: 'codebuild', project: 'other' }, n.event).matched).toBe(false);
    expect(matchCodeBuildTrigger({ type: 'codebuild', project: 'my-sample-project', region: 'eu-west-1' }, n.event)).toMatchObject({
      matched: false,
      reason: expect.stringContaining('region'),
    });
  });
});

describe('ECR image push', () => {
  it('turns the sample into a docker trigger', () => {
    const n = normalizeEcrPush(ecr);
    if (n.kind !== 'event') throw new Error(n.reason);
    expect(dockerTrigger(n.event)).toEqual({
      type: 'docker',
      account: '123456789012',
      registry: '123456789012.dkr.ecr.us-west-2.amazonaws.com',
      repository: 'my-repository-name',
      tag: 'latest',
      digest: 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
      image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:latest',
      source: 'ecr',
      // Echo's docker/image artifact of the push.
      artifacts: [
        {
          type: 'docker/image',
          name: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name',
          version: 'latest',
          reference: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name:latest',
        },
      ],
    });
  });

  it('splits the organization off a nested repository', () => {
    const n = normalizeEcrPush({ ...ecr, detail: { ...(ecr.detail as object), 'repository-name': 'team/app' } });
    expect(n.kind === 'event' && n.event).toMatchObject({ organization: 'team', repository: 'team/app' });
  });

  it('ignores deletes and failed pushes', () => {
    expect(normalizeEcrPush({ ...ecr, detail: { ...(ecr.detail as object), 'action-type': 'DELETE' } }).kind).toBe('ignored');
    expect(normalizeEcrPush({ ...ecr, detail: { ...(ecr.detail as object), result: 'FAILURE' } }).kind).toBe('ignored');
  });

  const n = normalizeEcrPush(ecr);
  const push = n.kind === 'event' ? n.event : undefined!;
  it.each([
    // Echo's DockerEventHandler: without a tag pattern every tag fires except `latest`.
    [{ repository: 'my-repository-name' }, false],
    [{ repository: 'my-repository-name', tag: 'latest' }, true],
    [{ repository: 'my-repository-name', tag: 'v.*' }, false],
    [{ repository: 'my-repository-name', tag: 'lat' }, false],
    [{ repository: '123456789012.dkr.ecr.us-west-2.amazonaws.com/my-repository-name', tag: 'latest' }, true],
    [{ repository: 'other', tag: 'latest' }, false],
    [{ repository: 'my-repository-name', tag: 'latest', account: '123456789012' }, true],
    [{ repository: 'my-repository-name', tag: 'latest', account: '999999999999' }, false],
    [{ repository: 'my-repository-name', tag: 'latest', account: 'ecr-prod' }, true],
    [{ repository: 'my-repository-name', tag: 'latest', account: 'ecr-test' }, false],
  ])('docker trigger %j → %s', (fields, expected) => {
    const ids = parseAccountIds('{"ecr-prod": "123456789012", "ecr-test": "111111111111"}');
    expect(matchDockerTrigger({ type: 'docker', ...fields }, push, ids).matched).toBe(expected);
  });

  it('fires a trigger without a tag pattern for any other tag, and nothing for a push without a tag (Echo)', () => {
    const tagged = normalizeEcrPush({ ...ecr, detail: { ...(ecr.detail as object), 'image-tag': 'v1.2.3' } });
    const untagged = normalizeEcrPush({ ...ecr, detail: { ...(ecr.detail as object), 'image-tag': undefined } });
    if (tagged.kind !== 'event' || untagged.kind !== 'event') throw new Error('expected events');
    expect(matchDockerTrigger({ type: 'docker', repository: 'my-repository-name' }, tagged.event).matched).toBe(true);
    expect(matchDockerTrigger({ type: 'docker', repository: 'my-repository-name' }, untagged.event)).toEqual({ matched: false, reason: 'the push has no tag' });
    expect(matchDockerTrigger({ type: 'docker', repository: 'my-repository-name', tag: '.*' }, untagged.event).matched).toBe(false);
  });
});
