/** Images (bake from an instance, find by tags, tag, deregister) and accounts with an assumed role, against moto. */
import { CreateVpcCommand, DescribeVpcsCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { AssumedRoleCredentials, cloudClientsFor } from '../../../functions/core/cloud/credentials.js';
import type { CloudClients } from '../../../functions/core/cloud/clients.js';
import {
  createImage,
  createServerGroup,
  deregisterImage,
  describeImage,
  findImage,
  findImages,
  LOCAL_ACCOUNT_ID,
  loadAccounts,
  ResourceNotFoundError,
  tagImage,
} from '../../../functions/core/cloud/index.js';
import { imageTags } from '../../../functions/core/cloud/tags.js';
import { useMoto } from '../../support/moto.js';
import { createNetwork, deploySpec, freshClients, type Network } from '../../support/cloud/fixtures.js';

useMoto();
let clients: CloudClients;

beforeAll(() => {
  clients = freshClients();
});

async function bakeInstance(): Promise<{ instanceId: string; network: Network }> {
  const network = await createNetwork(clients);
  const run = await clients.ec2.send(new RunInstancesCommand({ ImageId: network.imageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
  return { instanceId: run.Instances![0]!.InstanceId!, network };
}

describe('images', () => {
  it('bakes an AMI from an instance with app/version/commit tags, once per name', async () => {
    const { instanceId } = await bakeInstance();
    const tags = imageTags({ application: 'app', version: '1.2.0', commit: 'abc123' });
    const image = await createImage(clients, { instanceId, name: 'app-1.2.0-abc123', tags });
    expect(image).toMatchObject({ name: 'app-1.2.0-abc123', state: 'available', application: 'app', version: '1.2.0', commit: 'abc123', created: true });

    const again = await createImage(clients, { instanceId, name: 'app-1.2.0-abc123', tags });
    expect(again).toMatchObject({ imageId: image.imageId, created: false });
    expect((await findImages(clients, { name: 'app-1.2.0-abc123' })).map((i) => i.imageId)).toEqual([image.imageId]);
  });

  it('finds images by tags, newest first, and tags them', async () => {
    const { instanceId } = await bakeInstance();
    const v1 = await createImage(clients, { instanceId, name: 'app-1', tags: imageTags({ application: 'app', version: '1', commit: 'c1' }) });
    const v2 = await createImage(clients, { instanceId, name: 'app-2', tags: imageTags({ application: 'app', version: '2', commit: 'c2' }) });
    await createImage(clients, { instanceId, name: 'other-1', tags: imageTags({ application: 'other', version: '1' }) });

    expect((await findImages(clients, { application: 'app' })).map((i) => i.imageId).sort()).toEqual([v1.imageId, v2.imageId].sort());
    expect((await findImages(clients, { application: 'app', commit: 'c2' })).map((i) => i.imageId)).toEqual([v2.imageId]);
    expect(await findImages(clients, { application: 'app', version: '3' })).toEqual([]);

    await tagImage(clients, v1.imageId, { 'gennaker:promoted': 'prod' });
    expect((await findImages(clients, { tags: { 'gennaker:promoted': 'prod' } })).map((i) => i.imageId)).toEqual([v1.imageId]);
    expect((await describeImage(clients, v1.imageId)).tags).toMatchObject({ 'gennaker:promoted': 'prod', 'gennaker:version': '1' });
  });

  it('deregisters once; then the image is gone and cannot be deployed', async () => {
    const { instanceId, network } = await bakeInstance();
    const image = await createImage(clients, { instanceId, name: 'app-gone' });
    expect(await deregisterImage(clients, image.imageId)).toEqual({ deregistered: true });
    expect(await deregisterImage(clients, image.imageId)).toEqual({ deregistered: false });
    expect(await findImage(clients, image.imageId)).toBeUndefined();
    await expect(describeImage(clients, image.imageId)).rejects.toThrow(ResourceNotFoundError);

    await expect(createServerGroup(clients, deploySpec(network, { imageId: image.imageId }))).rejects.toThrow(`image ${image.imageId} not found in us-east-1`);
  });
});

describe('accounts', () => {
  const file = `
accounts:
  prod:
    accountId: "111111111111"
    regions: [us-east-1]
    assumeRole: role/gennaker-deploy
`;

  it('an account with a role is reached through STS AssumeRole; local is the emulator account', async () => {
    const registry = await loadAccounts({ inline: file, env: { AWS_ENDPOINT_URL: 'http://emulator' } });
    const credentials = new AssumedRoleCredentials();
    const prod = cloudClientsFor(registry.resolve('prod', 'us-east-1'), credentials);
    const local = cloudClientsFor(registry.resolve('local', 'us-east-1'), credentials);

    const vpc = (await prod.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!;
    expect(vpc.OwnerId).toBe('111111111111');
    const localVpcs = (await local.ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    expect(localVpcs.map((v) => v.VpcId)).not.toContain(vpc.VpcId);
    expect(new Set(localVpcs.map((v) => v.OwnerId))).toEqual(new Set([LOCAL_ACCOUNT_ID]));

    expect(() => registry.resolve('prod', 'eu-west-1')).toThrow('account "prod" (111111111111) has no region "eu-west-1"');
  });
});
