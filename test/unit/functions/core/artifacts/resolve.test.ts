import { describe, expect, it } from 'vitest';
import { ArtifactResolutionError, artifactMatches, resolveExpectedArtifacts } from '../../../../../functions/core/artifacts/resolve.js';
import { bindTriggerArtifacts } from '../../../../../functions/core/artifacts/bind.js';
import type { ExpectedArtifact } from '../../../../../state-machines/model/expected-artifacts.js';

const image = (tag: string) => ({
  type: 'docker/image',
  name: '123.dkr.ecr.us-east-1.amazonaws.com/web',
  version: tag,
  reference: `123.dkr.ecr.us-east-1.amazonaws.com/web:${tag}`,
});

const web: ExpectedArtifact = {
  id: 'web-image',
  displayName: 'web image',
  matchArtifact: { type: 'docker/image', name: '.*/web' },
  useDefaultArtifact: false,
  usePriorArtifact: false,
};

describe('artifactMatches (kork ExpectedArtifact.matches)', () => {
  it('compares type, name, version, location and reference as whole-string patterns, and nothing else', () => {
    expect(artifactMatches({ type: 'docker/image', name: '.*/web' }, image('1.0'))).toBe(true);
    expect(artifactMatches({ type: 'docker/image', name: 'web' }, image('1.0'))).toBe(false); // whole string, not a search
    expect(artifactMatches({ type: 'docker/image', version: '1\\.[0-9]+' }, image('1.12'))).toBe(true);
    expect(artifactMatches({ type: 'docker/image', version: '1\\.[0-9]+' }, image('2.0'))).toBe(false);
    expect(artifactMatches({ type: 's3/object' }, image('1.0'))).toBe(false);
    // artifactAccount, uuid and provenance are never compared
    expect(artifactMatches({ type: 'docker/image', artifactAccount: 'other', uuid: 'x' }, image('1.0'))).toBe(true);
    // a field the artifact lacks does not match a pattern
    expect(artifactMatches({ location: 'us-east-1' }, image('1.0'))).toBe(false);
  });
});

describe('resolveExpectedArtifacts (Orca ArtifactUtils.resolveArtifacts)', () => {
  it('binds the one received artifact that matches', () => {
    const out = resolveExpectedArtifacts({ expectedArtifacts: [web], requiredIds: ['web-image'], received: [image('1.0')], prior: () => [] });
    expect(out.resolvedExpectedArtifacts).toEqual([{ ...web, boundArtifact: image('1.0') }]);
    expect(out.artifacts).toEqual([image('1.0')]);
  });

  it('refuses two different matches, naming the expected artifact', () => {
    expect(() => resolveExpectedArtifacts({ expectedArtifacts: [web], requiredIds: [], received: [image('1.0'), image('2.0')], prior: () => [] })).toThrow(
      /'web image' \(id web-image\) matches 2 received artifacts .*web:1.0.*web:2.0.*must match one/,
    );
  });

  it('falls back to the prior execution, then to the default, and adds what it bound to the artifacts', () => {
    const expected: ExpectedArtifact = { ...web, usePriorArtifact: true, useDefaultArtifact: true, defaultArtifact: image('stable') };
    const fromPrior = resolveExpectedArtifacts({ expectedArtifacts: [expected], requiredIds: [], received: [], prior: () => [image('0.9')] });
    expect(fromPrior.resolvedExpectedArtifacts[0]!.boundArtifact).toEqual(image('0.9'));
    expect(fromPrior.artifacts).toEqual([image('0.9')]);
    const fromDefault = resolveExpectedArtifacts({ expectedArtifacts: [expected], requiredIds: [], received: [], prior: () => [] });
    expect(fromDefault.resolvedExpectedArtifacts[0]!.boundArtifact).toEqual(image('stable'));
    // received wins over both, and the prior run is not even read
    const received = resolveExpectedArtifacts({
      expectedArtifacts: [expected],
      requiredIds: [],
      received: [image('2.0')],
      prior: () => {
        throw new Error('not read');
      },
    });
    expect(received.resolvedExpectedArtifacts[0]!.boundArtifact).toEqual(image('2.0'));
  });

  it('fails a required artifact that nothing binds, with its displayName, id and why', () => {
    const run = () =>
      resolveExpectedArtifacts({
        expectedArtifacts: [web],
        requiredIds: ['web-image'],
        received: [{ type: 's3/object', reference: 's3://b/k' }],
        prior: () => [],
      });
    expect(run).toThrow(ArtifactResolutionError);
    expect(run).toThrow(
      /unbound expected artifact: 'web image' \(id web-image\) \(match: type "docker\/image", name "\.\*\/web"\): no artifact the trigger carried matches it, it has no default/,
    );
    const prior = { ...web, usePriorArtifact: true, displayName: undefined } as unknown as ExpectedArtifact;
    expect(() =>
      resolveExpectedArtifacts({ expectedArtifacts: [prior], requiredIds: [], received: [], prior: () => [{ type: 'docker/image', name: 'x/api' }] }),
    ).toThrow(/'web-image' .*the prior execution had none that matches/);
  });

  it('leaves an artifact no trigger requires and nothing uses unbound, without failing', () => {
    const out = resolveExpectedArtifacts({ expectedArtifacts: [web], requiredIds: [], received: [], prior: () => [] });
    expect(out.resolvedExpectedArtifacts).toEqual([web]);
  });
});

describe('bindTriggerArtifacts', () => {
  const pipeline = { application: 'shop', name: 'deploy', expectedArtifacts: [{ ...web, usePriorArtifact: true }] };

  it('records artifacts and resolvedExpectedArtifacts on the trigger, reading the prior run only when an artifact may use it', async () => {
    let reads = 0;
    const bound = await bindTriggerArtifacts(pipeline, { type: 'docker', expectedArtifactIds: ['web-image'], artifacts: [image('3.0')] }, async () => {
      reads++;
      return [image('2.0')];
    });
    expect(bound.artifacts).toEqual([image('3.0')]);
    expect(bound.resolvedExpectedArtifacts).toEqual([{ ...pipeline.expectedArtifacts[0], boundArtifact: image('3.0') }]);
    expect(reads).toBe(1);
    const plain = await bindTriggerArtifacts({ application: 'a', name: 'b' }, { type: 'manual' }, async () => {
      throw new Error('not read');
    });
    expect(plain).toEqual({ type: 'manual' });
  });

  it('names the pipeline and the artifact when a required one is unbound', async () => {
    await expect(bindTriggerArtifacts(pipeline, { type: 'manual' }, async () => [])).rejects.toThrow(
      /pipeline shop\/deploy: unbound expected artifact: 'web image' \(id web-image\)/,
    );
  });

  it('refuses artifacts that are not a list', async () => {
    await expect(bindTriggerArtifacts(pipeline, { type: 'manual', artifacts: 'x' }, async () => [])).rejects.toThrow(/artifacts: must be a list/);
  });
});
