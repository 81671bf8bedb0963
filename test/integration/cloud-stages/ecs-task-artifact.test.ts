/**
 * ECS deploys from a task definition artifact (Deck's useTaskDefinitionArtifact): the artifact is
 * bound at the trigger (here an s3/object default on moto's S3, and the pushed image as a
 * docker/image artifact), read in prepare, and registered in the service's family with the
 * mapped containers' images. A document that does not parse, or a mapped container it lacks,
 * fails the stage before anything exists.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { bindTriggerArtifacts } from '../../../functions/core/artifacts/bind.js';
import { parseArtifactSettings } from '../../../functions/core/artifacts/settings.js';
import { s3Client } from '../../../functions/core/aws-clients.js';
import type { CloudClients } from '../../../functions/core/cloud/index.js';
import { validatePipeline } from '../../../state-machines/model/validate.js';
import { useLocalAws } from '../../support/local.js';
import { ECS_CLUSTER, createEcsCluster, ecsDeployStage, ecsWorld } from '../../support/cloud-stages/ecs-fixtures.js';
import { createNetwork } from '../../support/cloud-stages/fixtures.js';
import { freshStageClients, runStages, stageOf } from '../../support/cloud-stages/harness.js';

useLocalAws();
let clients: CloudClients;
const BUCKET = 'deploy-artifacts';
const deps = { artifactSettings: async () => parseArtifactSettings({ s3: { buckets: [BUCKET] } }) };
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

const taskDefinition = {
  family: 'ignored-family',
  cpu: '512',
  memory: '1024',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    { name: 'web', image: 'placeholder', essential: true, portMappings: [{ containerPort: 8080 }], environment: [{ name: 'MODE', value: 'artifact' }] },
    { name: 'envoy', image: 'public.ecr.aws/envoy:1.30', essential: false },
  ],
  tags: [{ key: 'owner', value: 'payments' }],
  // describe-task-definition output fields a registration does not take
  revision: 7,
  status: 'ACTIVE',
};

const expectedArtifacts = [
  {
    id: 'td',
    displayName: 'task definition',
    matchArtifact: { type: 's3/object', name: 's3://deploy-artifacts/web/.*' },
    defaultArtifact: { type: 's3/object', name: 's3://deploy-artifacts/web/task.json', reference: 's3://deploy-artifacts/web/task.json' },
    useDefaultArtifact: true,
  },
  { id: 'img', displayName: 'web image', matchArtifact: { type: 'docker/image', name: `${REGISTRY}/app` } },
];

function stage(extra: Record<string, unknown> = {}) {
  return ecsDeployStage({
    useTaskDefinitionArtifact: true,
    taskDefinitionArtifact: { artifactId: 'td' },
    containerMappings: [{ containerName: 'web', imageDescription: { artifactId: 'img' } }],
    imageDescription: undefined,
    computeUnits: 256,
    reservedMemory: 512,
    ...extra,
  });
}

/** The trigger as the trigger path records it: an ECR push's docker/image artifact, the task definition bound from its default. */
async function trigger(raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const pipeline = validatePipeline({ application: 'test', name: 'pipeline', ...raw }).pipeline!;
  const pushed = { type: 'docker/image', name: `${REGISTRY}/app`, version: '2.0.0', reference: `${REGISTRY}/app:2.0.0` };
  return bindTriggerArtifacts(pipeline, { type: 'docker', expectedArtifactIds: ['img'], artifacts: [pushed] }, async () => []);
}

beforeEach(async () => {
  clients = freshStageClients();
  const network = await createNetwork(clients);
  await createEcsCluster(clients, network);
  await s3Client().send(new CreateBucketCommand({ Bucket: BUCKET }));
});

const put = (key: string, body: string) => s3Client().send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

describe('ECS deploy from a task definition artifact', () => {
  it('registers the artifact in the service family with the mapped image; other containers and the sizes stay the artifact’s', async () => {
    await put('web/task.json', JSON.stringify(taskDefinition));
    const raw = { expectedArtifacts, stages: [stage()] };
    const run = await runStages(raw, { trigger: await trigger(raw), deps });
    const s = stageOf(run, '1');
    expect(s.status, s.error).toBe('SUCCEEDED');
    expect(run.execution.trigger.resolvedExpectedArtifacts).toMatchObject([
      { id: 'td', boundArtifact: { reference: 's3://deploy-artifacts/web/task.json' } },
      { id: 'img', boundArtifact: { reference: `${REGISTRY}/app:2.0.0` } },
    ]);
    expect(await ecsWorld(clients)).toEqual({ services: { 'app-prod-v000': 'enabled 2/2' }, taskDefinitions: { 'app-prod-v000': 1 } });
    const service = (await clients.ecs.send(new DescribeServicesCommand({ cluster: ECS_CLUSTER, services: ['app-prod-v000'] }))).services![0]!;
    const described = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition!, include: ['TAGS'] }));
    const td = described.taskDefinition!;
    expect(td).toMatchObject({ family: 'app-prod-v000', cpu: '512', memory: '1024', requiresCompatibilities: ['FARGATE'] });
    expect(td.containerDefinitions!.map((c) => [c.name, c.image])).toEqual([
      ['web', `${REGISTRY}/app:2.0.0`],
      ['envoy', 'public.ecr.aws/envoy:1.30'],
    ]);
    expect(td.containerDefinitions![0]!.environment).toEqual([{ name: 'MODE', value: 'artifact' }]);
    expect(Object.fromEntries(described.tags!.map((t) => [t.key, t.value]))).toMatchObject({ owner: 'payments', 'gennaker:deploy-key': 'exec-1:1:us-east-1' });
  });

  it('takes an inline embedded/base64 task definition', async () => {
    const reference = Buffer.from(JSON.stringify({ taskDefinition })).toString('base64');
    const raw = { expectedArtifacts, stages: [stage({ taskDefinitionArtifact: { artifact: { type: 'embedded/base64', name: 'td.json', reference } } })] };
    const run = await runStages(raw, { trigger: await trigger(raw), deps });
    expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
    expect((await ecsWorld(clients)).services).toEqual({ 'app-prod-v000': 'enabled 2/2' });
  });

  it.each([
    [
      'a document that is not JSON',
      'web/task.json',
      '{"family": ',
      /clusters\[0\]\.taskDefinitionArtifact: the task definition artifact \(s3\/object s3:\/\/deploy-artifacts\/web\/task.json\) is not valid JSON/,
    ],
    [
      'a document without containers',
      'web/task.json',
      '{"family": "x"}',
      /taskDefinitionArtifact: the task definition artifact .* has no containerDefinitions/,
    ],
  ])('fails on %s before anything is created', async (_what, key, body, message) => {
    await put(key, body);
    const raw = { expectedArtifacts, stages: [stage()] };
    const run = await runStages(raw, { trigger: await trigger(raw), deps });
    const s = stageOf(run, '1');
    expect(s.status).toBe('TERMINAL');
    expect(s.error).toMatch(message);
    expect(await ecsWorld(clients)).toEqual({ services: {}, taskDefinitions: {} });
  });

  it('fails on a mapped container the task definition does not have, naming the field and the containers it has', async () => {
    await put('web/task.json', JSON.stringify(taskDefinition));
    const raw = {
      expectedArtifacts,
      stages: [stage({ containerMappings: [{ containerName: 'api', imageDescription: { artifactId: 'img' } }], loadBalancedContainer: 'api' })],
    };
    const run = await runStages(raw, { trigger: await trigger(raw), deps });
    const s = stageOf(run, '1');
    expect(s.status).toBe('TERMINAL');
    expect(s.error).toContain('clusters[0].containerMappings[0].containerName: api is not in the task definition artifact (it has web, envoy)');
    expect(await ecsWorld(clients)).toEqual({ services: {}, taskDefinitions: {} });
  });
});
