/** Bad input is a clear error that names what is wrong, found before anything is created: nothing is left behind. */
import { CreateLaunchTemplateCommand, CreateSecurityGroupCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { CreateTargetGroupCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { CloudClients } from '../../../functions/core/cloud/clients.js';
import {
  AwsCallError,
  createServerGroup,
  InvalidCapacityError,
  InvalidNameError,
  InvalidRequestError,
  ResourceNotFoundError,
  ServerGroupConflictError,
  type CreateServerGroupSpec,
} from '../../../functions/core/cloud/index.js';
import { countCalls, injectFault } from '../../support/faults.js';
import { type Network, deploySpec, inventory, useCloudNetwork } from '../../support/cloud/fixtures.js';

let clients: CloudClients;
let network: Network;
useCloudNetwork((c, n) => {
  clients = c;
  network = n;
});

const NOTHING = { groups: [], launchTemplates: [], versions: {} };

async function refused(spec: CreateServerGroupSpec, errorClass: new (...args: never[]) => Error, message: string | RegExp) {
  const error = await createServerGroup(clients, spec).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(errorClass);
  expect((error as Error).message).toMatch(message);
  expect(await inventory(clients)).toEqual(NOTHING);
}

describe('refused before any AWS call', () => {
  it.each<[string, Partial<CreateServerGroupSpec>, new (...args: never[]) => Error, string | RegExp]>([
    ['min > max', { capacity: { min: 3, max: 1, desired: 2 } }, InvalidCapacityError, 'min (3) is greater than max (1)'],
    ['desired > max', { capacity: { min: 0, max: 1, desired: 2 } }, InvalidCapacityError, 'desired (2) is greater than max (1)'],
    ['a bad app name', { application: 'my-app' }, InvalidNameError, 'app "my-app" may only contain letters and digits'],
    ['a reserved detail', { detail: 'd0prod' }, InvalidNameError, /labeled variable/],
    ['user data that is not base64', { userData: '#!/bin/sh' }, InvalidRequestError, /must be base64/],
    ['an unknown scaling process', { suspendedProcesses: ['Lunch'] }, InvalidRequestError, 'unknown scaling process Lunch'],
    ['no placement', { subnetIds: [] }, InvalidRequestError, 'one of subnetIds, subnetType or availabilityZones is required'],
  ])('%s', async (_what, overrides, errorClass, message) => {
    const counter = countCalls(clients.ec2, clients.autoScaling, clients.elbv2);
    await createServerGroup(clients, deploySpec(network, overrides)).catch(() => undefined);
    expect(counter.counts()).toEqual({});
    counter.remove();
    await refused(deploySpec(network, overrides), errorClass, message);
  });
});

describe('refused after looking things up, before creating anything', () => {
  it('an unknown subnet', async () => {
    await refused(
      deploySpec(network, { subnetIds: [network.subnetIds[0], 'subnet-0000000000000000f'] }),
      ResourceNotFoundError,
      'subnet not found in us-east-1: subnet-0000000000000000f',
    );
  });

  it('a subnet type no subnet has', async () => {
    await refused(deploySpec(network, { subnetIds: undefined, subnetType: 'dmz' }), ResourceNotFoundError, /subnet not found in us-east-1: of type "dmz"/);
  });

  it('an unknown target group, by name or ARN', async () => {
    await refused(deploySpec(network, { targetGroups: ['app-web', 'nope'] }), ResourceNotFoundError, 'target group not found in us-east-1: nope');
    const arn = network.targetGroupArn.replace(/[0-9a-f]{16}$/, '0000000000000000');
    await refused(deploySpec(network, { targetGroups: [arn] }), ResourceNotFoundError, `target group not found in us-east-1: ${arn}`);
  });

  it('an unknown image', async () => {
    await refused(deploySpec(network, { imageId: 'ami-00000000000000000' }), ResourceNotFoundError, 'image ami-00000000000000000 not found in us-east-1');
  });

  it('an unknown security group', async () => {
    await refused(deploySpec(network, { securityGroups: ['web', 'admin'] }), ResourceNotFoundError, /security group not found in us-east-1: admin \(VPC vpc-/);
  });

  it('an unknown key pair', async () => {
    await refused(deploySpec(network, { keyPair: 'lost' }), ResourceNotFoundError, 'key pair not found in us-east-1: lost');
  });

  it('a target group or security group in another VPC than the subnets', async () => {
    const other = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    await clients.elbv2.send(new CreateTargetGroupCommand({ Name: 'elsewhere', Protocol: 'HTTP', Port: 80, VpcId: other }));
    const sg = await clients.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'elsewhere', Description: 'x', VpcId: other }));
    await refused(
      deploySpec(network, { targetGroups: ['elsewhere'] }),
      InvalidRequestError,
      `target group elsewhere is in ${other}, but the subnets are in ${network.vpcId}`,
    );
    await refused(deploySpec(network, { securityGroups: [sg.GroupId!] }), InvalidRequestError, `security group ${sg.GroupId} is in ${other}`);
  });
});

describe('refused because of what is there', () => {
  it("a launch template with the group's name that is not the group's is left alone", async () => {
    await clients.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'app-prod-v000', LaunchTemplateData: { ImageId: network.imageId } }));
    const error = await createServerGroup(clients, deploySpec(network)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerGroupConflictError);
    expect((error as Error).message).toContain('launch template app-prod-v000 already exists and does not belong to server group app-prod-v000');
    expect(await inventory(clients)).toEqual({ groups: [], launchTemplates: ['app-prod-v000'], versions: { 'app-prod-v000': 1 } });
  });
});

describe('refused by AWS at the last step', () => {
  it('removes the launch template it made for the group AWS refused', async () => {
    injectFault(clients.autoScaling, {
      command: 'CreateAutoScalingGroup',
      error: () => Object.assign(new Error('Max bigger than min'), { name: 'ValidationError', $metadata: { httpStatusCode: 400 } }),
    });
    await refused(deploySpec(network), AwsCallError, 'create server group app-prod-v000 failed: ValidationError: Max bigger than min');
  });
});
