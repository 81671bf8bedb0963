/** Traffic guards (parsing, matching, projection), the bake config and script, images and waits: all pure. */
import { describe, expect, it } from 'vitest';
import {
  checkTrafficGuards,
  guardsFor,
  loadTrafficGuards,
  parseTrafficGuards,
  projectChanges,
  stageTrafficGuards,
  TrafficGuardConfigError,
  TrafficGuardError,
} from '../../../../../functions/core/traffic-guards.js';
import { baseImageRef, installCommand, loadBakeConfig, parseBakeConfig } from '../../../../../functions/stages/cloud/bake/config.js';
import { bakeImageName, provisioningFailure, wrapProvisioningScript } from '../../../../../functions/stages/cloud/bake/script.js';
import { BakeConfigError, NoImageError } from '../../../../../functions/stages/cloud/errors.js';
import { accountOf, clusterOf, regionsOf } from '../../../../../functions/stages/cloud/fields.js';
import { chooseImage, explicitImage, upstreamImages } from '../../../../../functions/stages/cloud/images.js';
import { backoffSeconds, delay, poll } from '../../../../../functions/stages/cloud/waiting.js';

describe('traffic guards', () => {
  const guards = parseTrafficGuards({
    applications: {
      app: [
        { account: 'prod', region: 'us-east-1', cluster: 'app-prod' },
        { account: '*', location: '*', stack: 'edge*', detail: '*' },
        { account: 'test', enabled: false },
      ],
    },
  });
  const target = (cluster: string, account = 'prod', region = 'us-east-1') => ({ account, region, cluster });

  it('match by account, region and cluster (or stack and detail, with * wildcards); disabled ones are dropped', () => {
    expect(guards).toHaveLength(2);
    expect(guardsFor(guards, target('app-prod'))).toHaveLength(1);
    expect(guardsFor(guards, target('app-prod', 'prod', 'eu-west-1'))).toHaveLength(0);
    expect(guardsFor(guards, target('app-edge1-a', 'test'))).toHaveLength(1);
    expect(guardsFor(guards, target('other-prod'))).toHaveLength(0);
  });

  it('refuse only changes that leave no enabled, up instances', () => {
    const groups = [
      { name: 'app-prod-v001', enabled: true, upCount: 2 },
      { name: 'app-prod-v000', enabled: false, upCount: 2 },
    ];
    expect(() => checkTrafficGuards(guards, target('app-prod'), groups, [{ kind: 'disable', serverGroup: 'app-prod-v001' }], 'disable app-prod-v001')).toThrow(
      TrafficGuardError,
    );
    expect(() => checkTrafficGuards(guards, target('app-prod'), groups, [{ kind: 'destroy', serverGroup: 'app-prod-v000' }], 'destroy')).not.toThrow();
    expect(() =>
      checkTrafficGuards(
        guards,
        target('app-prod'),
        groups,
        [
          { kind: 'enable', serverGroup: 'app-prod-v000' },
          { kind: 'disable', serverGroup: 'app-prod-v001' },
        ],
        'swap',
      ),
    ).not.toThrow();
    expect(() => checkTrafficGuards(guards, target('app-prod'), groups, [{ kind: 'resize', serverGroup: 'app-prod-v001', desired: 0 }], 'resize')).toThrow(
      /no enabled, up instances \(2 up now\)/,
    );
    expect(() => checkTrafficGuards(guards, target('app-staging'), groups, [{ kind: 'disable', serverGroup: 'app-prod-v001' }], 'x')).not.toThrow();
  });

  it('project changes onto the cluster', () => {
    expect(projectChanges([{ name: 'a', enabled: true, upCount: 3 }], [{ kind: 'resize', serverGroup: 'a', desired: 1 }])).toEqual([
      { name: 'a', enabled: true, upCount: 1 },
    ]);
  });

  it("read Spinnaker's stage trafficGuards and report bad ones", () => {
    expect(stageTrafficGuards('app', [{ account: 'prod', location: 'us-east-1', stack: 'prod', detail: '', enabled: true }]).guards).toEqual([
      { application: 'app', account: 'prod', region: 'us-east-1', stack: 'prod', detail: '', source: 'stage trafficGuards' },
    ]);
    expect(stageTrafficGuards('app', [{ acount: 'x' }]).problems[0]).toMatch(/^trafficGuards\[0\]: /);
  });

  it('load from GENNAKER_TRAFFIC_GUARDS and GENNAKER_TRAFFIC_GUARDS_FILE, and name bad configuration', async () => {
    const env = { GENNAKER_TRAFFIC_GUARDS: '[{ application: a, account: prod }]', GENNAKER_TRAFFIC_GUARDS_FILE: '/guards.yml' };
    const loaded = await loadTrafficGuards({ env, readText: async () => 'applications:\n  b:\n    - { cluster: b-prod }\n' });
    expect(loaded.map((g) => `${g.application}:${g.source}`)).toEqual(['a:GENNAKER_TRAFFIC_GUARDS', 'b:/guards.yml']);
    await expect(loadTrafficGuards({ env: { GENNAKER_TRAFFIC_GUARDS: '{ apps: {} }' } })).rejects.toThrow(TrafficGuardConfigError);
  });
});

describe('bake configuration and script', () => {
  it('base images by baseOs:baseLabel, baseOs or *, per region or *', () => {
    const config = parseBakeConfig(
      { baseImages: { 'ubuntu:candidate': { '*': 'ami-c' }, ubuntu: { 'us-east-1': 'ami-u' }, '*': { '*': 'name:base-*' } } },
      'test',
    );
    expect(baseImageRef(config, 'ubuntu', 'candidate', 'us-east-1')).toBe('ami-c');
    expect(baseImageRef(config, 'ubuntu', 'release', 'us-east-1')).toBe('ami-u');
    expect(baseImageRef(config, 'centos', undefined, 'eu-west-1')).toBe('name:base-*');
    expect(parseBakeConfig({}, 'aws').baseImages).toEqual({});
    expect(parseBakeConfig({}, 'emulator', true)).toMatchObject({ completion: 'running', baseImages: { '*': { '*': 'name:gennaker-local-base' } } });
  });

  it('install commands per OS family', () => {
    const config = parseBakeConfig({ install: { plan9: 'pkg {{package}}' } }, 'test');
    expect(installCommand(config, 'trusty', 'orca')).toMatch(/apt-get install -y orca$/);
    expect(installCommand(config, 'amzn2', 'orca')).toBe('yum install -y orca');
    expect(installCommand(config, 'plan9', 'x')).toBe('pkg x');
    expect(installCommand(config, 'beos', 'x')).toBeUndefined();
  });

  it('reports bad configuration naming the source', async () => {
    await expect(loadBakeConfig({ env: { GENNAKER_BAKE_CONFIG: 'completion: maybe' } })).rejects.toThrow(BakeConfigError);
    await expect(loadBakeConfig({ env: { GENNAKER_BAKE_CONFIG: 'completion: maybe' } })).rejects.toThrow(
      /invalid bake configuration in GENNAKER_BAKE_CONFIG: completion/,
    );
  });

  it('wraps the script so success shuts the builder down and failure leaves a marker', () => {
    const wrapped = wrapProvisioningScript('apt-get install -y app');
    expect(wrapped).toMatch(/^#!\/bin\/bash\n/);
    const encoded = /echo '([^']+)' \| base64 -d/.exec(wrapped)![1]!;
    expect(Buffer.from(encoded, 'base64').toString()).toBe('#!/bin/bash\nset -euo pipefail\napt-get install -y app');
    expect(wrapped).toContain('shutdown -h now');
    expect(provisioningFailure('boot\ngennaker-bake: failed (exit 2)\nno such package\n')).toBe('gennaker-bake: failed (exit 2)\nno such package');
    expect(provisioningFailure('all fine')).toBeUndefined();
  });

  it('names images readably and uniquely per bake', () => {
    const a = bakeImageName('my app', 'ubuntu', 'exec-1:bake:us-east-1');
    expect(a).toMatch(/^my-app-ubuntu-[0-9a-f]{12}$/);
    expect(bakeImageName('my app', 'ubuntu', 'exec-1:bake:us-east-1')).toBe(a);
    expect(bakeImageName('my app', 'ubuntu', 'exec-2:bake:us-east-1')).not.toBe(a);
  });
});

describe('fields, images and waits', () => {
  it("read Deck's location fields", () => {
    expect(accountOf({ credentials: 'prod', account: 'x' })).toBe('prod');
    expect(accountOf({})).toBe('default');
    expect(regionsOf({ availabilityZones: { 'us-west-2': [] } })).toEqual(['us-west-2']);
    expect(regionsOf({}, 'eu-west-1')).toEqual(['eu-west-1']);
    expect(() => regionsOf({})).toThrow('regions: required');
    expect(clusterOf({ moniker: { app: 'a', stack: 's', detail: 'd' } })).toBe('a-s-d');
    expect(clusterOf({ application: 'a', freeFormDetails: 'd' })).toBe('a--d');
  });

  it('pick the nearest upstream image for the region, or an explicit one', () => {
    const stages = [
      {
        refId: 'bake-east',
        name: 'Bake east',
        type: 'bake',
        status: 'SUCCEEDED',
        context: {},
        outputs: { deploymentDetails: [{ ami: 'ami-far', region: 'us-east-1' }] },
        requisiteStageRefIds: [],
      },
      {
        refId: 'bake',
        name: 'Bake',
        type: 'bake',
        status: 'SUCCEEDED',
        context: {},
        outputs: { deploymentDetails: [{ imageId: 'ami-near', imageName: 'n', region: 'us-east-1' }] },
        requisiteStageRefIds: ['bake-east'],
      },
      { refId: 'deploy', name: 'Deploy', type: 'deploy', status: 'RUNNING', context: {}, outputs: {}, requisiteStageRefIds: ['bake'] },
    ];
    const upstream = upstreamImages(stages, 'deploy');
    expect(upstream.map((i) => i.imageId)).toEqual(['ami-near', 'ami-far']);
    expect(chooseImage(undefined, upstream, 'us-east-1').imageId).toBe('ami-near');
    expect(chooseImage(explicitImage({ imageId: { 'us-east-1': 'ami-x' } }, 'us-east-1'), upstream, 'us-east-1').imageId).toBe('ami-x');
    expect(() => chooseImage(undefined, upstream, 'eu-west-1')).toThrow(NoImageError);
    expect(() => chooseImage(undefined, upstream, 'eu-west-1')).toThrow('(upstream stages produced images for us-east-1 only)');
  });

  it('back off and wait out delays without sleeping', () => {
    expect([0, 1, 2, 3, 4, 5].map((p) => backoffSeconds(p))).toEqual([5, 10, 20, 40, 60, 60]);
    const first = delay({}, 1000, 30);
    expect(first).toEqual({ done: false, state: { waitUntil: 31_000 }, waitSeconds: 30 });
    expect(delay({ waitUntil: 31_000 }, 31_000, 30)).toEqual({ done: true });
    expect(poll({}, 0, 100)).toEqual({ timedOut: false, state: { waitSince: 0, polls: 1 }, waitSeconds: 5 });
    expect(poll({ waitSince: 0, polls: 6 }, 95_000, 100)).toMatchObject({ timedOut: false, waitSeconds: 5 });
    expect(poll({ waitSince: 0, polls: 7 }, 100_000, 100)).toEqual({ timedOut: true, waitedSeconds: 100 });
  });
});
