/**
 * bake: a builder from the base image, provisioned, imaged, terminated; the image is tagged and
 * found by a deploy downstream. A provisioning failure or a timeout fails the stage with the
 * builder terminated all the same.
 */
import type { GetConsoleOutputCommandOutput } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeImage, describeServerGroup, type CloudClients } from '../../../functions/core/cloud/index.js';
import { parseBakeConfig } from '../../../functions/stages/cloud/index.js';
import { injectFault, removeAllFaults } from '../../support/faults.js';
import { useLocalAws } from '../../support/local.js';
import { clusterEntry, createNetwork, type Network } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageClients, stageOf } from '../../support/cloud-stages/harness.js';
import { world } from '../../support/cloud-stages/world.js';

useLocalAws();
let clients: CloudClients;
let network: Network;

beforeEach(async () => {
  clients = freshStageClients();
  network = await createNetwork(clients);
});
afterEach(() => removeAllFaults());

const bake = (extra: Record<string, unknown> = {}) => ({
  refId: 'bake',
  name: 'Bake',
  type: 'bake',
  package: 'app',
  baseOs: 'ubuntu',
  baseLabel: 'release',
  regions: ['us-east-1'],
  vmType: 'hvm',
  storeType: 'ebs',
  cloudProviderType: 'aws',
  ...extra,
});

describe('bake', () => {
  it('bakes from the configured base image, tags the image, terminates the builder, and a deploy downstream uses it', async () => {
    const bakeConfig = async () =>
      parseBakeConfig({ completion: 'running', baseImages: { 'ubuntu:release': { 'us-east-1': network.imageId } } }, 'test config', true);
    const run = await runStages(
      {
        stages: [
          bake({ version: '1.2.3' }),
          {
            refId: '1',
            name: 'Deploy',
            type: 'deploy',
            requisiteStageRefIds: ['bake'],
            clusters: [clusterEntry(network, { imageId: undefined, strategy: 'highlander' })],
          },
        ],
      },
      { deps: { bakeConfig } },
    );
    const baked = stageOf(run, 'bake');
    expect(baked.status, baked.error).toBe('SUCCEEDED');
    const [detail] = baked.outputs.deploymentDetails as Array<Record<string, string>>;
    expect(detail).toMatchObject({ region: 'us-east-1', package: 'app', baseOs: 'ubuntu', baseAmiId: network.imageId, cloudProvider: 'aws' });
    expect(detail!.imageName).toMatch(/^app-ubuntu-[0-9a-f]{12}$/);
    expect(baked.context).toMatchObject({ ami: detail!.imageId, imageName: detail!.imageName });
    const image = await describeImage(clients, detail!.imageId!);
    expect(image.tags).toMatchObject({
      'gennaker:application': 'test',
      'gennaker:version': '1.2.3',
      'gennaker:package': 'app',
      'gennaker:base-os': 'ubuntu',
      'gennaker:base-image-id': network.imageId,
    });
    expect((await world(clients)).liveBuilders).toBe(0);
    expect(stageOf(run, '1').status).toBe('SUCCEEDED');
    const deployed = await describeServerGroup(clients, 'app-prod-v000');
    expect(deployed?.imageId).toBe(detail!.imageId);
    expect(deployed?.tags['gennaker:version']).toBe('1.2.3');
  });

  it('bakes the base image with no package (as Rosco does for an empty package)', async () => {
    const run = await runStages({ stages: [bake({ package: undefined, baseAmi: network.imageId })] });
    const baked = stageOf(run, 'bake');
    expect(baked.status, baked.error).toBe('SUCCEEDED');
    const [detail] = baked.outputs.deploymentDetails as Array<Record<string, string>>;
    expect(detail!.imageName).toMatch(/^image-ubuntu-[0-9a-f]{12}$/);
    expect((await describeImage(clients, detail!.imageId!)).tags['gennaker:package']).toBeUndefined();
  });

  it('bakes in every region asked for', async () => {
    const run = await runStages({ stages: [bake({ baseAmi: network.imageId, regions: ['us-east-1', 'us-west-2'] })] });
    expect(stageOf(run, 'bake').status, stageOf(run, 'bake').error).toBe('SUCCEEDED');
    expect((stageOf(run, 'bake').outputs.deploymentDetails as Array<{ region: string }>).map((d) => d.region)).toEqual(['us-east-1', 'us-west-2']);
    expect((await world(stageClients('us-west-2'))).images).toHaveLength(1);
  });

  it('fails when the provisioning script fails, with its output, and terminates the builder', async () => {
    const bakeConfig = async () => parseBakeConfig({ completion: 'shutdown' }, 'test config', true);
    const console = 'Cloud-init v. 22\ngennaker-bake: failed (exit 100)\nE: Unable to locate package app\n';
    injectFault<GetConsoleOutputCommandOutput>(clients.ec2, {
      command: 'GetConsoleOutput',
      rewrite: (o) => ({ ...o, Output: Buffer.from(console).toString('base64') }),
    });
    const run = await runStages({ stages: [bake({ baseAmi: network.imageId })] }, { deps: { bakeConfig } });
    const stage = stageOf(run, 'bake');
    expect(stage.status).toBe('TERMINAL');
    expect(stage.error).toMatch(
      /the provisioning script failed on builder i-\w+ in us-east-1:\ngennaker-bake: failed \(exit 100\)\nE: Unable to locate package app/,
    );
    expect((await world(clients)).liveBuilders).toBe(0);
    expect((await world(clients)).images).toEqual([]);
  });

  it('times out when the builder never finishes, and terminates it', async () => {
    const bakeConfig = async () => parseBakeConfig({ completion: 'shutdown', timeoutSeconds: 600 }, 'test config', true);
    const run = await runStages({ stages: [bake({ baseAmi: network.imageId })] }, { deps: { bakeConfig } });
    expect(stageOf(run, 'bake').error).toMatch(/bake in us-east-1 timed out after 600 s: builder i-\w+ was still running/);
    expect(run.calls.bake).toBeGreaterThan(5);
    expect((await world(clients)).liveBuilders).toBe(0);
  });

  it("terminates the builder when the engine's stageTimeoutMs ends the stage first (cancel)", async () => {
    const bakeConfig = async () => parseBakeConfig({ completion: 'shutdown', timeoutSeconds: 3600 }, 'test config', true);
    const run = await runStages({ stages: [bake({ baseAmi: network.imageId, stageTimeoutMs: 300_000 })] }, { deps: { bakeConfig } });
    expect(stageOf(run, 'bake').error).toMatch(/^stage timed out after 300 s \(terminated builder i-\w+ in us-east-1\)$/);
    expect((await world(clients)).liveBuilders).toBe(0);
  });

  it('refuses an OS it has no install command for, before launching anything', async () => {
    const run = await runStages({ stages: [bake({ baseAmi: network.imageId, baseOs: 'plan9' })] });
    expect(stageOf(run, 'bake').error).toMatch(/no install command for baseOs 'plan9'/);
    expect((await world(clients)).liveBuilders).toBe(0);
  });
});
