/**
 * The stage reference, made from the stage-type registry so it cannot drift from what validate and
 * the compiler accept: docs/stages.md (`gennaker docs stages`) and the per-type part of the JSON
 * Schema (docs/pipeline.schema.json) that lets editors complete `type` and each type's fields.
 * Pure.
 */
import type { FieldType, StageField } from './fields.js';
import { stageTypeInfo, supportedStageTypes, type StageTypeInfo } from './registry.js';

/** Spinnaker stage types people export that Gennaker refuses, and why. validate names them too. */
const UNSUPPORTED_SPINNAKER_STAGES: ReadonlyArray<readonly [string, string]> = [
  [
    'deployManifest, bakeManifest, patchManifest, deleteManifest, scaleManifest, undoRolloutManifest',
    'Kubernetes: Gennaker deploys to AWS (EC2, ECS, Lambda) only',
  ],
  ['deployCloudFormation, deleteCloudFormationStack, deleteCloudFormationChangeSet', 'CloudFormation stages are not implemented (deploy stacks with CDK)'],
  ['script, travis, wercker, concourse, googleCloudBuild', 'CI systems other than Jenkins: use a webhook stage'],
  ['createServerGroup (GCE, Azure, ...), any cloudProvider other than aws/ecs', 'AWS only'],
];

/** Fields every stage may have (Deck's stage options). */
const COMMON_STAGE_FIELDS: ReadonlyArray<readonly [string, string, string]> = [
  ['refId', 'string', "the stage's id in the graph"],
  ['requisiteStageRefIds', 'string[]', 'stages that must finish (successfully) first'],
  ['type', 'string', 'one of the types below'],
  ['name', 'string', 'shown in records, the console and the Step Functions graph (defaults to the type)'],
  ['failPipeline / continuePipeline / completeOtherBranchesThenFail', 'boolean', "Deck's 'if stage fails' options (default: halt the pipeline)"],
  [
    'stageEnabled',
    '{ type: expression, expression }',
    'SKIPPED when the expression is false; one that cannot be evaluated (or is not true/false) runs the stage with a warning, as Orca does',
  ],
  ['restrictExecutionDuringTimeWindow, restrictedExecutionWindow', 'boolean, { whitelist, days, jitter }', 'wait until an allowed time'],
  ['stageTimeoutMs', 'integer > 0', "fail the stage after this long (default: the type's, below)"],
  ['sendNotifications, notifications', 'boolean, list', 'stage notifications'],
];

const WAITS: Record<StageTypeInfo['execution'], string> = {
  task: 'one call',
  poll: 'polls until done (cheap waits in between)',
  callback: 'waits on a task token for an answer',
};

function duration(ms: number | undefined): string {
  if (ms === undefined) return 'no limit';
  const h = ms / 3_600_000;
  return h >= 24 && h % 24 === 0 ? `${h / 24} d` : h >= 1 ? `${h} h` : `${ms / 60_000} min`;
}

/** Legacy names (Deck's) a type also answers to. */
function aliasesOf(info: StageTypeInfo): readonly string[] {
  return info.aliases ?? [];
}

export function stageReferenceMarkdown(): string {
  const types = supportedStageTypes();
  const lines = [
    '# Stage reference',
    '',
    '<!-- Generated from the stage-type registry (state-machines/stage-types) by `gennaker docs stages > docs/stages.md`; a test fails when it is stale. -->',
    '',
    "Stages are written as Spinnaker writes them (Deck's JSON, or the same as YAML): each type below",
    "takes Spinnaker's type name and field names. `gennaker validate` refuses any other type, warns",
    'about a field that is nearly one of the listed ones (`waittime`: did you mean `waitTime`?), and',
    'checks the listed required fields. docs/pipeline.schema.json gives editors the same names.',
    '',
    '## Fields every stage has',
    '',
    '| field | type | meaning |',
    '| --- | --- | --- |',
    ...COMMON_STAGE_FIELDS.map(([f, t, m]) => `| \`${f}\` | ${t} | ${m} |`),
    '',
    '## Stage types',
    '',
    '| type | family | runs | default timeout | what it does |',
    '| --- | --- | --- | --- | --- |',
    ...types.map((t) => {
      const info = stageTypeInfo(t)!;
      return `| [\`${t}\`](#${t.toLowerCase().replace(/[^a-z0-9]/g, '')}) | ${info.family} | ${WAITS[info.execution]} | ${duration(info.defaultTimeoutMs)} | ${info.description} |`;
    }),
    '',
  ];
  for (const t of types) {
    const info = stageTypeInfo(t)!;
    lines.push(`### ${t}`, '', `${info.description}.`, '');
    lines.push(
      `- Spinnaker type: \`${t}\`${
        aliasesOf(info).length > 0
          ? ` (also accepted: ${aliasesOf(info)
              .map((a) => `\`${a}\``)
              .join(', ')}, renamed by validate)`
          : ''
      }`,
    );
    lines.push(`- Runs in the \`${info.family}\` function; ${WAITS[info.execution]}; default timeout ${duration(info.defaultTimeoutMs)}`);
    lines.push(`- Required: ${(info.required ?? []).map((f) => `\`${f}\``).join(', ') || 'nothing beyond the common fields'}`);
    lines.push('', ...fieldTable(info.fields), '');
    for (const f of info.fields.filter((x) => x.items)) lines.push(`Each entry of \`${f.name}\`:`, '', ...fieldTable(f.items!), '');
  }
  lines.push('## Spinnaker stages Gennaker does not run', '', '| types | why |', '| --- | --- |');
  lines.push(
    ...UNSUPPORTED_SPINNAKER_STAGES.map(
      ([t, why]) =>
        `| ${t
          .split(', ')
          .map((x) => `\`${x}\``)
          .join(', ')} | ${why} |`,
    ),
    '',
  );
  return `${lines.join('\n')}`;
}

/** A type's fields as a Markdown table. */
function fieldTable(fields: readonly StageField[]): string[] {
  if (fields.length === 0) return ['No fields of its own.'];
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| field | type | default | meaning |',
    '| --- | --- | --- | --- |',
    ...fields.map((f) => {
      const names = [`\`${f.name}\``, ...(f.aliases ?? []).map((a) => `\`${a}\``)].join(' / ');
      const meaning = [
        f.description,
        f.values ? `one of ${f.values.map((v) => `\`${v}\``).join(', ')}` : '',
        f.spinnaker ? `Spinnaker: \`${f.spinnaker}\`` : '',
      ]
        .filter(Boolean)
        .join('; ');
      return `| ${names} | ${f.type} | ${f.default === undefined ? '' : cell(`\`${JSON.stringify(f.default)}\``)} | ${cell(meaning)} |`;
    }),
  ];
}

const JSON_TYPES: Record<FieldType, Record<string, unknown>> = {
  string: { type: 'string' },
  number: { type: ['number', 'string'] },
  integer: { type: ['integer', 'string'] },
  boolean: { type: ['boolean', 'string'] },
  object: { type: ['object', 'string'] },
  array: { type: ['array', 'string'] },
  'string[]': { type: ['array', 'string'], items: { type: 'string' } },
  'object[]': { type: ['array', 'string'], items: { type: 'object' } },
};

/** One field in JSON Schema: a string is always allowed too (an expression, or Deck's numbers as text). */
function fieldSchema(type: string, f: StageField): Record<string, unknown> {
  const meaning = [f.description, f.spinnaker ? `Spinnaker: ${f.spinnaker}` : ''].filter(Boolean).join('; ');
  const entries = f.items && {
    items: {
      type: 'object',
      properties: Object.fromEntries(f.items.flatMap((e) => [e.name, ...(e.aliases ?? [])].map((name) => [name, fieldSchema(`${type} ${f.name}[]`, e)]))),
    },
  };
  return {
    ...JSON_TYPES[f.type],
    ...entries,
    description: `${type}: ${meaning}`,
    ...(f.default !== undefined ? { default: f.default } : {}),
    ...(f.values ? { examples: [...f.values] } : {}),
  };
}

/** JSON Schema for one stage: `type` from the registry, and for each type its own fields and required ones. */
export function stageTypeSchema(): Record<string, unknown> {
  const types = supportedStageTypes();
  const names = [...types, ...types.flatMap((t) => aliasesOf(stageTypeInfo(t)!))];
  return {
    properties: { type: { type: 'string', enum: names, description: 'The stage type (Spinnaker names); see docs/stages.md' } },
    allOf: types.map((t) => {
      const info = stageTypeInfo(t)!;
      const match = [t, ...aliasesOf(info)];
      return {
        if: { properties: { type: { enum: match } }, required: ['type'] },
        then: {
          description: info.description,
          properties: Object.fromEntries(info.fields.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((name) => [name, fieldSchema(t, f)]))),
          ...(info.required && info.required.length > 0 ? { required: [...info.required] } : {}),
        },
      };
    }),
  };
}
