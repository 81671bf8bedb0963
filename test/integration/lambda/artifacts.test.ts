/**
 * Artifacts in the Lambda stages: the code of a deploy as `codeArtifact` (s3/object, an
 * embedded/base64 zip, a docker/image in ECR; bound from the execution's expected artifacts or
 * inline), and the plugin's `payloadArtifact` / `outputArtifact` as its Deck forms write them
 * (`{id, account, artifact}`), read through functions/core/artifacts. Bad input: a clear stage
 * error and nothing created.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ARTIFACTS_ENV } from '../../../functions/core/artifacts/settings.js';
import { validatePipeline } from '../../../state-machines/model/validate.js';
import { countCalls, MUTATING, removeAllFaults } from '../../support/faults.js';
import { runStages, stageOf } from '../../support/cloud-stages/harness.js';
import { useLambdaAws } from '../../support/lambda/emulator.js';
import {
  ACCOUNT_ID,
  BUCKET,
  deployStage,
  functionsClient,
  functionsWorld,
  lambdaWorld,
  publishedVersions,
  putCode,
  routeStage,
} from '../../support/lambda/fixtures.js';

const FN = 'test-prod-fn';
const IMAGE = `${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/app:1.2.3`;
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** A trigger whose expected artifact `id` was bound to `artifact` (as the trigger path records it). */
function boundTrigger(id: string, artifact: Record<string, unknown>): Record<string, unknown> {
  return {
    type: 'manual',
    user: 'tester',
    resolvedExpectedArtifacts: [{ id, matchArtifact: { type: artifact.type }, boundArtifact: artifact, useDefaultArtifact: false, usePriorArtifact: false }],
  };
}

/** The deploy stage with its code as an artifact instead of s3bucket/s3key. */
function artifactDeploy(codeArtifact: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return deployStage({ s3bucket: '', s3key: '', codeArtifact, ...extra });
}

describe('Lambda stages and artifacts', () => {
  useLambdaAws();
  beforeEach(async () => lambdaWorld());
  afterEach(() => {
    removeAllFaults();
    delete process.env[ARTIFACTS_ENV];
  });

  describe('codeArtifact', () => {
    it('an s3/object artifact bound from the expected artifacts deploys that object, as s3bucket/s3key would', async () => {
      const run = await runStages(
        { stages: [artifactDeploy({ artifactId: 'code' })] },
        { trigger: boundTrigger('code', { type: 's3/object', reference: `s3://${BUCKET}/app/v2.zip`, name: `s3://${BUCKET}/app/v2.zip` }) },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      const viaArtifact = (await functionsWorld())[FN]!.config.CodeSha256;
      await runStages({ stages: [deployStage({ s3key: 'app/v2.zip', functionName: 'plain' })] }, { executionId: 'exec-plain' });
      expect((await functionsWorld())['test-plain']!.config.CodeSha256).toBe(viaArtifact);
    });

    it("Deck's Lambda shape ({id, account, artifact}) and an inline embedded/base64 zip", async () => {
      const run = await runStages({
        stages: [artifactDeploy({ id: '', account: 'embedded-artifact', artifact: { type: 'embedded/base64', reference: b64('zip bytes') } })],
      });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect((await functionsWorld())[FN]!.versions).toHaveLength(1);
    });

    it('a docker/image artifact makes a container image function (no runtime or handler), and updates its image', async () => {
      const run = await runStages({ stages: [artifactDeploy({ artifact: { type: 'docker/image', reference: IMAGE } }, { runtime: '', handler: '' })] });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      const created = await functionsClient().send(new (await import('@aws-sdk/client-lambda')).GetFunctionCommand({ FunctionName: FN }));
      expect(created.Configuration?.PackageType).toBe('Image');
      expect(created.Code?.ImageUri).toBe(IMAGE);
      const counter = countCalls(functionsClient());
      const next = await runStages(
        { stages: [artifactDeploy({ artifact: { type: 'docker/image', reference: IMAGE.replace('1.2.3', '1.2.4') } }, { runtime: '', handler: '' })] },
        { executionId: 'exec-2' },
      );
      expect(stageOf(next, '1').status, stageOf(next, '1').error).toBe('SUCCEEDED');
      expect(counter.counts().UpdateFunctionCode).toBe(1);
      counter.remove();
      expect((await functionsWorld())[FN]!.versions.map((v) => v.version)).toEqual([2, 1]);
    });

    it('Aws.LambdaUpdateCodeStage takes a codeArtifact too', async () => {
      await runStages({ stages: [deployStage()] });
      const run = await runStages(
        {
          stages: [
            {
              refId: '1',
              name: 'Update code',
              type: 'Aws.LambdaUpdateCodeStage',
              region: 'us-east-1',
              functionName: FN,
              publish: true,
              codeArtifact: { artifactId: 'code' },
            },
          ],
        },
        { executionId: 'exec-2', trigger: boundTrigger('code', { type: 's3/object', reference: `s3://${BUCKET}/app/v2.zip` }) },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(stageOf(run, '1').outputs).toMatchObject({ version: '2', lambdaVersionPublished: true });
    });

    describe('bad input: a clear stage error, nothing created or changed', () => {
      it.each([
        ['an expected artifact this execution did not bind', { artifactId: 'missing' }, {}, /codeArtifact.artifactId: no expected artifact with id 'missing'/],
        [
          'an artifact type that cannot be code',
          { artifact: { type: 'github/file', reference: 'https://api.github.com/repos/o/r/contents/x' } },
          {},
          /codeArtifact: a github\/file artifact cannot be a function's code/,
        ],
        [
          'an s3/object reference that is not s3://',
          { artifact: { type: 's3/object', reference: 'app/v1.zip' } },
          {},
          /an s3\/object reference is s3:\/\/<bucket>\/<key>/,
        ],
        [
          'an image outside ECR',
          { artifact: { type: 'docker/image', reference: 'docker.io/library/nginx:1' } },
          { runtime: '', handler: '' },
          /Lambda runs images from Amazon ECR only/,
        ],
        ['a runtime given for an image', { artifact: { type: 'docker/image', reference: IMAGE } }, {}, /runtime: not used by a container image function/],
      ])('%s', async (_what, codeArtifact, extra, message) => {
        const run = await runStages({ stages: [artifactDeploy(codeArtifact, extra)] });
        expect(stageOf(run, '1').status).toBe('TERMINAL');
        expect(stageOf(run, '1').error).toMatch(message);
        expect(await functionsWorld()).toEqual({});
      });

      it('a zip function cannot become an image function (nothing changes)', async () => {
        await runStages({ stages: [deployStage()] });
        const before = await functionsWorld();
        const counter = countCalls(functionsClient());
        const run = await runStages(
          { stages: [artifactDeploy({ artifact: { type: 'docker/image', reference: IMAGE } }, { runtime: '', handler: '' })] },
          { executionId: 'exec-2' },
        );
        expect(stageOf(run, '1').status).toBe('TERMINAL');
        expect(stageOf(run, '1').error).toMatch(/codeArtifact: function test-prod-fn has package type Zip; Lambda cannot change it to Image/);
        expect(Object.keys(counter.counts()).filter((op) => MUTATING.test(op))).toEqual([]);
        counter.remove();
        expect(await functionsWorld()).toEqual(before);
      });

      it('the validator refuses both code locations at once, and no code location at all', () => {
        const both = validatePipeline({ application: 'test', name: 'p', stages: [deployStage({ codeArtifact: { artifactId: 'x' } })] });
        expect(both.errors.map((e) => e.message)).toEqual(['give the code as s3bucket/s3key or as codeArtifact, not both']);
        const none = validatePipeline({ application: 'test', name: 'p', stages: [deployStage({ s3bucket: '', s3key: '' })] });
        expect(none.errors.map((e) => e.message)).toEqual(['required (the code location: s3bucket and s3key, or codeArtifact)']);
      });
    });
  });

  describe('payloadArtifact and outputArtifact', () => {
    beforeEach(async () => publishedVersions(2, runStages));

    it('$BLUEGREEN reads an expected artifact (Deck writes its id) and an inline one', async () => {
      const run = await runStages(
        {
          stages: [
            routeStage({
              deploymentStrategy: '$BLUEGREEN',
              payloadArtifact: { id: 'payload', account: 'embedded-artifact', artifact: null },
              outputArtifact: { id: null, account: 'embedded-artifact', artifact: { type: 'embedded/base64', reference: b64('{"ping": 1}') } },
            }),
          ],
        },
        { trigger: boundTrigger('payload', { type: 'embedded/base64', reference: b64('{"ping":1}') }) },
      );
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(stageOf(run, '1').outputs).toMatchObject({ 'deployment:majorVersionDeployed': '2' });
    });

    it('Aws.LambdaInvokeStage reads an s3/object payload from a bucket the artifacts setting lists', async () => {
      await putCode('payloads/ping.json', '{"from":"s3"}');
      process.env[ARTIFACTS_ENV] = JSON.stringify({ s3: { buckets: [BUCKET] } });
      const invoke = (bucket: string) => ({
        refId: '1',
        name: 'Invoke',
        type: 'Aws.LambdaInvokeStage',
        region: 'us-east-1',
        functionName: FN,
        aliasName: 'live',
        payloadArtifact: { account: 's3', artifact: { type: 's3/object', reference: `s3://${bucket}/payloads/ping.json` } },
      });
      const run = await runStages({ stages: [invoke(BUCKET)] });
      expect(stageOf(run, '1').status, stageOf(run, '1').error).toBe('SUCCEEDED');
      expect(stageOf(run, '1').outputs.invokeResultsList).toEqual([{ body: '{"from":"s3"}', statusCode: 200 }]);
      const refused = await runStages({ stages: [invoke('elsewhere')] }, { executionId: 'exec-2' });
      expect(stageOf(refused, '1').status).toBe('TERMINAL');
      expect(stageOf(refused, '1').error).toMatch(
        /payloadArtifact: bucket elsewhere is not one the platform's artifacts setting \(s3.buckets\) lets Gennaker read/,
      );
    });
  });
});
