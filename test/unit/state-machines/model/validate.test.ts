/** The validator reports every problem at once, each with a JSON path and a reason, and never throws. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePipeline } from '../../../../state-machines/compiler/compile.js';
import { parsePipelineText } from '../../../../state-machines/model/parse-text.js';
import { pipelineJsonSchema } from '../../../../state-machines/model/json-schema.js';
import { validatePipeline } from '../../../../state-machines/model/validate.js';
import { supportedStageTypes } from '../../../../state-machines/stage-types/index.js';
import { expectValidAsl } from '../../../support/local.js';
import { SPINNAKER_EXAMPLES } from '../../../support/fixtures.js';

const base = { application: 'app', name: 'p' };
const messages = (raw: unknown) => validatePipeline(raw).errors.map((e) => `${e.path}: ${e.message}`);

describe('validatePipeline', () => {
  it('accepts a minimal pipeline and fills Spinnaker defaults', () => {
    const result = validatePipeline({ ...base, stages: [{ refId: 1, type: 'wait', waitTime: 5 }] });
    expect(result.errors).toEqual([]);
    expect(result.pipeline).toMatchObject({
      limitConcurrent: true,
      keepWaitingPipelines: false,
      stages: [{ refId: '1', name: 'wait', failurePolicy: 'haltPipeline', requisiteStageRefIds: [] }],
    });
  });

  it('reports every problem at once, each with its path', () => {
    const errors = messages({
      ...base,
      parameterConfig: [{ name: 'env' }],
      stages: [
        { refId: '1', type: 'wait', waitTime: 'soon' },
        { refId: '1', type: 'deployManifest', name: 'K8s' },
        { refId: '3', type: 'wait', requisiteStageRefIds: ['9'] },
        { refId: '4', type: 'checkPreconditions', failPipeline: 'yes' },
        { refId: '5', type: 'wait', waitTime: '${parameters.missing}' },
        { refId: '6', type: 'wait', waitTime: "${#stage('Nope').context.x}" },
        { refId: '7', type: 'wait', waitTime: '${1 +}' },
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        '$.stages[0].waitTime: must be a number of seconds >= 0 or an expression',
        "$.stages[1].refId: duplicate refId '1' (also $.stages[0])",
        expect.stringMatching(/^\$\.stages\[1\]\.type: unsupported stage type 'deployManifest' \(stage 'K8s'\); supported: .*wait/),
        "$.stages[2].requisiteStageRefIds[0]: no stage has refId '9'",
        expect.stringMatching(/^\$\.stages\[3\]\.failPipeline: /),
        "$.stages[4]: references parameter 'missing' which parameterConfig does not declare",
        "$.stages[5]: #stage('Nope') names no stage of this pipeline",
        expect.stringMatching(/^\$\.stages\[6\]\.waitTime: /),
      ]),
    );
  });

  it('names the cycle', () => {
    expect(
      messages({
        ...base,
        stages: [
          { refId: 'a', type: 'wait', requisiteStageRefIds: ['c'] },
          { refId: 'b', type: 'wait', requisiteStageRefIds: ['a'] },
          { refId: 'c', type: 'wait', requisiteStageRefIds: ['b'] },
        ],
      }),
    ).toEqual(['$.stages[0].requisiteStageRefIds: cycle: a → b → c → a']);
  });

  it('refuses keys Step Functions would read as paths', () => {
    expect(messages({ ...base, stages: [{ refId: '1', type: 'wait', 'x.$': '$.secret' }] })).toEqual([
      `$.stages[0]["x.$"]: keys ending in '.$' are reserved by Step Functions`,
    ]);
  });

  it('runs legacy stages without refIds in the order written', () => {
    const result = validatePipeline({ ...base, stages: [{ type: 'wait' }, { type: 'wait' }, { type: 'wait' }] });
    expect(result.pipeline?.stages.map((s) => [s.refId, s.requisiteStageRefIds])).toEqual([
      ['1', []],
      ['2', ['1']],
      ['3', ['2']],
    ]);
  });

  it('maps Deck failure options to policies', () => {
    const result = validatePipeline({
      ...base,
      stages: [
        { refId: '1', type: 'wait' },
        { refId: '2', type: 'wait', failPipeline: false, continuePipeline: false },
        { refId: '3', type: 'wait', failPipeline: false, completeOtherBranchesThenFail: true },
        { refId: '4', type: 'wait', failPipeline: false, continuePipeline: true },
      ],
    });
    expect(result.pipeline?.stages.map((s) => s.failurePolicy)).toEqual(['haltPipeline', 'haltBranch', 'haltBranchThenFail', 'ignore']);
  });

  it('asks for application and name only when no defaults are given', () => {
    expect(messages({ stages: [] })).toEqual(['$.application: required: the application this pipeline belongs to', '$.name: required: the pipeline name']);
    const result = validatePipeline({ stages: [] }, { defaults: { application: 'a', name: 'n' } });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.path)).toEqual(['$.application', '$.name']);
  });

  it('keeps unknown fields', () => {
    const result = validatePipeline({ ...base, stages: [{ refId: '1', type: 'wait', showAdvancedOptions: true }] });
    expect(result.pipeline?.stages[0]!.config.showAdvancedOptions).toBe(true);
  });

  it('reads YAML and reports YAML errors with their line', () => {
    const ok = parsePipelineText('application: a\nname: n\nstages:\n  - refId: "1"\n    type: wait\n');
    expect(validatePipeline(ok.value).errors).toEqual([]);
    const bad = parsePipelineText('application: a\nstages: [\n', 'bad.yml');
    expect(bad.errors[0]!.message).toMatch(/^bad.yml is not valid YAML \(line \d+, column \d+\)/);
    expect(parsePipelineText('{"a": ', 'bad.json').errors[0]!.message).toMatch(/^bad.json is not valid JSON/);
  });

  it('exports a JSON Schema for editors', () => {
    const schema = pipelineJsonSchema();
    expect(schema).toMatchObject({ type: 'object', required: ['stages'] });
    expect(JSON.stringify(schema)).toContain('requisiteStageRefIds');
  });
});

describe('real Spinnaker exports', () => {
  const dir = SPINNAKER_EXAMPLES;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  const load = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { stages: Array<{ type: string }> };
  const validate = (file: string) => validatePipeline(load(file), { defaults: { application: 'app', name: file } });
  /** Stage types that are not about EC2 and so are refused for good, named in the error. */
  const neverSupported = new Set(['deployManifest']);
  /** AWS pipelines (bake, deploy, checkPreconditions with clusterSize, wait; 029 also jenkins; 071 the Lambda plugin's deploy). */
  const aws = ['001.json', '029.json', '036.json', '071.json', 'echo-28-bake-basename.json'];
  /** Pipelines for other clouds, refused naming their cloudProvider. */
  const otherClouds: Record<string, string> = {};

  it.each(aws)('%s (AWS) is accepted and compiles', (file) => {
    const result = validate(file);
    const unsupported = [
      ...new Set(
        load(file)
          .stages.map((s) => s.type)
          .filter((t) => !supportedStageTypes().includes(t)),
      ),
    ];
    // 029 runs a Jenkins job: accepted once the jenkins stage type is registered, refused naming it until then.
    expect(result.errors.map((e) => /unsupported stage type '([^']+)'/.exec(e.message)?.[1] ?? `${e.path}: ${e.message}`)).toEqual(unsupported);
    if (unsupported.length === 0) {
      expect(result.pipeline).toBeDefined();
      expectValidAsl(compilePipeline(result.pipeline!));
    }
  });

  it('019 (ECS with a task definition artifact) is accepted and compiles', () => {
    const result = validate('019.json');
    expect(result.errors).toEqual([]);
    expect(result.pipeline!.expectedArtifacts).toHaveLength(1);
    expectValidAsl(compilePipeline(result.pipeline!));
  });

  it('a task definition artifact that names nothing is refused naming the field', () => {
    const raw = load('019.json') as unknown as { stages: Array<{ clusters: Array<Record<string, unknown>> }> };
    raw.stages[0]!.clusters[0]!.taskDefinitionArtifact = {};
    const result = validatePipeline(raw, { defaults: { application: 'ecsapp', name: 'ecs-demo' } });
    expect(result.errors).toEqual([
      {
        path: '$.stages[0].clusters[0].taskDefinitionArtifact',
        message: 'required with useTaskDefinitionArtifact ({artifactId} of an expected artifact, or {artifact: {type, reference}})',
      },
    ]);
  });

  it.each(Object.entries(otherClouds))('%s is refused naming its cloudProvider %s', (file, provider) => {
    const result = validate(file);
    expect(result.pipeline).toBeUndefined();
    expect(result.errors).toEqual([
      {
        path: '$.stages[0].clusters[0].cloudProvider',
        message: `cloudProvider '${provider}' is not supported; Gennaker deploys to AWS EC2 only (cloudProvider 'aws')`,
      },
    ]);
  });

  it.each(files.filter((f) => !aws.includes(f) && !(f in otherClouds) && f !== '019.json'))(
    '%s is accepted or refused naming exactly what is unsupported',
    (file) => {
      const raw = load(file);
      const result = validate(file);
      const unsupported = [...new Set(raw.stages.map((s) => s.type).filter((t) => !supportedStageTypes().includes(t)))];
      const named = result.errors.map((e) => /unsupported stage type '([^']+)'/.exec(e.message)?.[1] ?? `other: ${e.path}: ${e.message}`);
      // Every error names an unsupported stage type, and every unsupported type is named.
      expect([...new Set(named)].sort()).toEqual(unsupported.sort());
      for (const t of raw.stages.map((s) => s.type)) if (neverSupported.has(t)) expect(named).toContain(t);
      if (result.pipeline) expectValidAsl(compilePipeline(result.pipeline));
    },
  );
});

describe('hostile input', () => {
  const stage = fc.record(
    {
      refId: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)),
      type: fc.oneof(fc.constantFrom('wait', 'manualJudgment', 'checkPreconditions', 'evaluateVariables', 'pipeline'), fc.string()),
      name: fc.oneof(fc.string(), fc.constant(undefined)),
      requisiteStageRefIds: fc.oneof(fc.array(fc.oneof(fc.string(), fc.integer({ min: 0, max: 5 }).map(String)), { maxLength: 3 }), fc.anything()),
      waitTime: fc.oneof(fc.nat(), fc.string(), fc.constant('${parameters.x}')),
      failPipeline: fc.oneof(fc.boolean(), fc.anything()),
      continuePipeline: fc.boolean(),
      pipeline: fc.string(),
      stageEnabled: fc.oneof(fc.constant(undefined), fc.record({ type: fc.constant('expression'), expression: fc.string() })),
    },
    { requiredKeys: ['type'] },
  );

  it('never throws, and whatever it accepts compiles to valid ASL', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ application: fc.string(), name: fc.string(), stages: fc.array(stage, { maxLength: 8 }) })), (raw) => {
        const result = validatePipeline(raw);
        expect(Array.isArray(result.errors)).toBe(true);
        if (result.pipeline) expectValidAsl(compilePipeline(result.pipeline));
      }),
      { numRuns: 300 },
    );
  });

  it('survives deep nesting and huge values', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 5000; i++) deep = { x: deep };
    expect(() => validatePipeline({ ...base, stages: [{ refId: '1', type: 'wait', deep }] })).not.toThrow();
    expect(() => validatePipeline({ ...base, stages: [{ refId: '1', type: 'wait', waitTime: `\${${'('.repeat(20000)}}` }] })).not.toThrow();
  });
});

describe('docs/pipeline.schema.json', () => {
  it('is the schema `gennaker schema` prints (regenerate it with: npm run gennaker -- schema > docs/pipeline.schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '../../../../docs/pipeline.schema.json'), 'utf8'));
    expect(committed).toEqual(pipelineJsonSchema());
  });
});
