/** Validation reports every problem at once, whatever else is wrong (issue: fidelity item 1). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import { SPINNAKER_EXAMPLES } from '../../../support/fixtures.js';

const validate = (stages: unknown[], extra: Record<string, unknown> = {}) => validatePipeline({ application: 'a', name: 'p', stages, ...extra });
const paths = (problems: ReadonlyArray<{ path: string }>) => problems.map((p) => p.path);

describe('graph checks alongside schema problems', () => {
  it('counts a stage that fails its schema as existing: no false dangling refId for its dependants', () => {
    const result = validate([
      { refId: '1', type: 'wait', waitTime: 1, stageTimeoutMs: -5 },
      { refId: '2', type: 'wait', waitTime: 1, requisiteStageRefIds: ['1'] },
      { refId: 3, type: 'wait', waitTime: 1, requisiteStageRefIds: [2], failPipeline: 'yes' },
    ]);
    expect(paths(result.errors)).toEqual(['$.stages[0].stageTimeoutMs', '$.stages[2].failPipeline']);
    expect(result.errors.some((e) => e.message.includes('no stage has refId'))).toBe(false);
  });

  it('still finds cycles and real dangling refIds when some stages fail their schema', () => {
    const cyclic = validate([
      { refId: '1', type: 'wait', waitTime: 1, requisiteStageRefIds: ['2'] },
      { refId: '2', type: 'wait', waitTime: 1, requisiteStageRefIds: ['1'], stageTimeoutMs: 0 },
    ]);
    expect(cyclic.errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/^cycle: /));
    expect(paths(cyclic.errors)).toContain('$.stages[1].stageTimeoutMs');

    const dangling = validate([
      { refId: '1', type: 'wait', waitTime: 1, stageTimeoutMs: 'soon' },
      { refId: '2', type: 'wait', waitTime: 1, requisiteStageRefIds: ['9'] },
    ]);
    expect(dangling.errors).toContainEqual({ path: '$.stages[1].requisiteStageRefIds[0]', message: "no stage has refId '9'" });
    expect(paths(dangling.errors)).toContain('$.stages[0].stageTimeoutMs');
  });

  it('reports stage type problems of the valid stages next to schema problems of others', () => {
    const result = validate([
      { refId: '1', type: 'wait', waitTime: 'soon' },
      { refId: '2', type: 'teleport', requisiteStageRefIds: ['1'] },
      { refId: '3', type: 'wait', name: 42, requisiteStageRefIds: ['2'] },
    ]);
    expect(paths(result.errors)).toEqual(['$.stages[2].name', '$.stages[0].waitTime', '$.stages[1].type']);
  });
});

describe('fields a stage type does not have', () => {
  it('warns with the closest known name', () => {
    const result = validate([
      { refId: '1', type: 'wait', waittime: 30 },
      { refId: '2', type: 'manualJudgment', instrutions: 'Go?', requisiteStageRefIds: ['1'] },
      { refId: '3', type: 'pipeline', pipeline: 'child', waitForCompletio: true, requisiteStageRefIds: ['2'] },
      { refId: '4', type: 'wait', waitTime: 1, requisiteStageRefIds: ['3'], stageTimeoutMS: 1000 },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      { path: '$.stages[0].waittime', message: 'unknown field of wait stages; did you mean waitTime?' },
      { path: '$.stages[1].instrutions', message: 'unknown field of manualJudgment stages; did you mean instructions?' },
      { path: '$.stages[2].waitForCompletio', message: 'unknown field of pipeline stages; did you mean waitForCompletion?' },
      { path: '$.stages[3].stageTimeoutMS', message: 'unknown field of wait stages; did you mean stageTimeoutMs?' },
    ]);
  });

  it('leaves alone the UI-only fields of real exports and fields near no known name', () => {
    const result = validate([{ refId: '1', type: 'wait', waitTime: 1, isNew: true, comments: 'x', skipWaitText: 'go on', owner: 'me', x: 1 }]);
    expect(result.warnings).toEqual([]);
  });
});

describe('what the deploy would refuse at run time', () => {
  const cluster = { application: 'shop', account: 'prod', capacity: { min: 1, max: 1, desired: 1 }, availabilityZones: { 'us-east-1': ['us-east-1a'] } };
  const deploy = (c: Record<string, unknown>, stage: Record<string, unknown> = {}) => validate([{ refId: '1', type: 'deploy', clusters: [c], ...stage }]);

  it('refuses a cluster with no capacity unless it copies its source', () => {
    const { capacity: _c, ...noCapacity } = cluster;
    expect(deploy(noCapacity).errors).toEqual([
      { path: '$.stages[0].clusters[0].capacity', message: 'required ({min, max, desired}) unless useSourceCapacity' },
    ]);
    expect(deploy({ ...noCapacity, useSourceCapacity: true }).errors).toEqual([]);
  });

  it('refuses a cluster that names no region', () => {
    expect(deploy({ ...cluster, availabilityZones: {} }).errors).toEqual([
      { path: '$.stages[0].clusters[0].availabilityZones', message: 'names no region (region → zones, e.g. {"us-east-1": ["us-east-1a"]})' },
    ]);
    const { availabilityZones: _z, ...noZones } = cluster;
    expect(deploy(noZones).errors.map((e) => e.path)).toEqual(['$.stages[0].clusters[0].availabilityZones']);
    // The stage's regions serve a cluster that names none; expressions are left for run time.
    expect(deploy(noZones, { regions: ['us-east-1'] }).errors).toEqual([]);
    expect(deploy({ ...cluster, availabilityZones: '${trigger.zones}' }).errors).toEqual([]);
    expect(deploy({ ...noZones, region: 'us-west-2' }).errors).toEqual([]);
  });
});

describe('"did you mean" covers every stage type, from its declared fields', () => {
  it.each([
    [{ type: 'deploy', clusterz: [] }, 'clusterz', 'clusters'],
    [
      { type: 'destroyServerGroup', cluster: 'a-b', target: 'current_asg_dynamic', regions: ['us-east-1'], serverGroupNme: 'x' },
      'serverGroupNme',
      'serverGroupName',
    ],
    [
      { type: 'disableCluster', cluster: 'a-b', regions: ['us-east-1'], remainingEnabledServerGroup: 1 },
      'remainingEnabledServerGroup',
      'remainingEnabledServerGroups',
    ],
    [{ type: 'bake', baseOs: 'ubuntu', regions: ['us-east-1'], packag: 'x' }, 'packag', 'package'],
    [{ type: 'webhook', url: 'https://example.com', methd: 'GET' }, 'methd', 'method'],
    [{ type: 'jenkins', master: 'm', job: 'j', propertyfile: 'p' }, 'propertyfile', 'propertyFile'],
    [{ type: 'runJob', cluster: 'c', taskDefinition: 't', subnet: ['s'] }, 'subnet', 'subnets'],
    [{ type: 'kayentaCanary', canaryConfig: {}, deployment: {} }, 'deployment', 'deployments'],
    [{ type: 'Aws.LambdaInvokeStage', functionName: 'f', executionCont: 2 }, 'executionCont', 'executionCount'],
  ])('%o', (stage, typo, meant) => {
    const result = validate([{ refId: '1', ...stage }]);
    expect(result.warnings).toContainEqual({ path: `$.stages[0].${typo}`, message: `unknown field of ${stage.type} stages; did you mean ${meant}?` });
  });

  it("looks inside the entries of a deploy's clusters, EC2 and ECS, naming the entry", () => {
    const where = { account: 'prod', capacity: { min: 1, max: 1, desired: 1 }, availabilityZones: { 'us-east-1': ['us-east-1a'] } };
    const ec2 = { ...where, stratgey: 'redblack' };
    const ecs = { ...where, cloudProvider: 'ecs', ecsClusterName: 'c', containerPrt: 80, targetGrop: 'tg' };
    const result = validate([{ refId: '1', type: 'deploy', clusters: [ec2, ecs] }]);
    expect(result.warnings).toEqual([
      { path: '$.stages[0].clusters[0].stratgey', message: 'unknown field of deploy clusters entries; did you mean strategy?' },
      { path: '$.stages[0].clusters[1].containerPrt', message: 'unknown field of deploy clusters entries; did you mean containerPort?' },
      { path: '$.stages[0].clusters[1].targetGrop', message: 'unknown field of deploy clusters entries; did you mean targetGroup?' },
    ]);
  });

  it("leaves alone every field Deck's EC2 and ECS deploy forms write into a cluster entry", () => {
    const ec2 = {
      ...{ application: 'a', stack: 's', freeFormDetails: 'd', account: 'prod', cloudProvider: 'aws', provider: 'aws', strategy: 'redblack' },
      ...{ capacity: { min: 1, max: 1, desired: 1 }, availabilityZones: { 'us-east-1': ['us-east-1a'] }, amiName: 'x', instanceType: 't3.micro' },
      ...{ keyPair: 'k', iamRole: 'r', securityGroups: [], loadBalancers: [], targetGroups: [], subnetType: 'internal', cooldown: 10 },
      ...{ healthCheckType: 'EC2', healthCheckGracePeriod: 600, enabledMetrics: [], terminationPolicies: ['Default'], ebsOptimized: false },
      ...{ instanceMonitoring: false, base64UserData: '', useAmiBlockDeviceMappings: false, copySourceCustomBlockDeviceMappings: false },
      ...{ suspendedProcesses: [], tags: {}, spotPrice: '', maxRemainingAsgs: 2, scaleDown: false, delayBeforeDisableSec: 0, delayBeforeScaleDownSec: 0 },
      ...{ rollback: { onFailure: false }, targetHealthyDeployPercentage: 100, useSourceCapacity: false, moniker: { app: 'a' } },
      ...{ interestingHealthProviderNames: ['Amazon'], requireIMDSv2: false, unlimitedCpuCredits: false, setLaunchTemplate: true },
    };
    const ecs = {
      ...{ application: 'a', account: 'prod', cloudProvider: 'ecs', ecsClusterName: 'c', capacity: { min: 1, max: 1, desired: 1 }, strategy: '' },
      ...{ availabilityZones: { 'us-east-1': ['us-east-1a'] }, imageDescription: { registry: 'r', repository: 'x', tag: '1' }, computeUnits: 256 },
      ...{ reservedMemory: 512, containerPort: 80, targetGroup: 'tg', targetGroupMappings: [], containerMappings: [], launchType: 'FARGATE' },
      ...{ networkMode: 'awsvpc', subnetType: 'private', securityGroupNames: [], associatePublicIpAddress: false, placementStrategySequence: [] },
      ...{ placementConstraints: [], dockerLabels: {}, environmentVariables: {}, logDriver: 'awslogs', logOptions: {}, healthCheckGracePeriodSeconds: 0 },
      ...{ copySourceScalingPoliciesAndActions: true, useTaskDefinitionArtifact: false, serviceDiscoveryAssociations: [], platformVersion: 'LATEST' },
      ...{ dockerImageCredentialsSecret: 'None (No registry credentials)', loadBalancedContainer: '', placementStrategyName: '' },
    };
    expect(validate([{ refId: '1', type: 'deploy', clusters: [ec2, ecs] }]).warnings.filter((w) => w.message.includes('did you mean'))).toEqual([]);
  });

  it("never fires on a real Spinnaker export's fields (Deck's and Orca's bookkeeping included)", () => {
    const files = readdirSync(SPINNAKER_EXAMPLES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const exported = JSON.parse(readFileSync(join(SPINNAKER_EXAMPLES, file), 'utf8')) as Record<string, unknown>;
      const result = validatePipeline({ application: 'a', name: 'p', ...exported });
      expect(
        result.warnings.filter((w) => w.message.includes('did you mean')),
        file,
      ).toEqual([]);
    }
  });

  it('takes the fields Deck writes on every stage, whatever the type', () => {
    const bookkeeping = {
      comments: 'x',
      isNew: true,
      notifications: [],
      sendNotifications: false,
      stageTimeoutMs: 60000,
      overrideTimeout: true,
      failOnFailedExpressions: true,
      restrictExecutionDuringTimeWindow: false,
      skipWindowText: '',
      continuePipeline: false,
      failPipeline: true,
      completeOtherBranchesThenFail: false,
      expectedArtifacts: [],
      requiredArtifactIds: [],
    };
    const result = validate([
      { refId: '1', type: 'findImage', cluster: 'a-b', regions: ['us-east-1'], credentials: 'x', ...bookkeeping },
      { refId: '2', type: 'webhook', url: 'https://example.com', ...bookkeeping },
      { refId: '3', type: 'Aws.LambdaDeleteStage', functionName: 'f', version: '$ALL', ...bookkeeping },
    ]);
    expect(result.warnings.filter((w) => w.message.includes('did you mean'))).toEqual([]);
  });
});

describe('a pipeline field that fails its schema hides nothing else', () => {
  it('still checks every trigger, the other triggers of a bad one, and application and name', () => {
    const result = validatePipeline({
      name: 42,
      limitConcurrent: 'yes',
      triggers: [
        { type: 'cron', cronExpression: '0 0 25 * * ?' },
        { enabled: 'x' },
        { type: 'git', source: 'github', project: 'o', slug: 'r', branch: '(?=x)master' },
      ],
      stages: [{ refId: '1', type: 'wait', waitTime: 1 }],
    });
    expect(paths(result.errors).sort()).toEqual(
      [
        '$.application',
        '$.limitConcurrent',
        '$.name',
        '$.triggers[0].cronExpression',
        '$.triggers[1].enabled',
        '$.triggers[1].type',
        '$.triggers[2].branch',
      ].sort(),
    );
    // name failed its schema: reported once, not again as missing.
    expect(result.errors.filter((e) => e.path === '$.name')).toHaveLength(1);
  });
});

describe('null is a field not written (Jackson reads Spinnaker JSON so)', () => {
  it('accepts nulls on the pipeline, its triggers and its stages, and reads them as absent', () => {
    const result = validatePipeline({
      application: 'a',
      name: 'p',
      description: null,
      parameterConfig: null,
      notifications: null,
      appConfig: null,
      triggers: [{ type: 'git', source: 'github', project: 'o', slug: 'r', branch: null, enabled: true }],
      stages: [
        { refId: '1', type: 'wait', waitTime: 1, requisiteStageRefIds: null, stageEnabled: null, comments: null, stageTimeoutMs: null },
        { refId: '2', type: 'manualJudgment', requisiteStageRefIds: ['1'], instructions: null, judgmentInputs: [] },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.pipeline?.triggers[0]).not.toHaveProperty('branch');
    expect(result.pipeline?.stages[0]).toMatchObject({ requisiteStageRefIds: [] });
    expect(result.pipeline?.stages[0]).not.toHaveProperty('enabledExpression');
  });

  it('still refuses a null where a value is required', () => {
    const result = validate([{ refId: '1', type: null, waitTime: 1 }]);
    expect(paths(result.errors)).toEqual(['$.stages[0].type']);
  });
});
