/**
 * Validation: schema, then normalisation, then named rules, collecting every problem with its JSON
 * path. Never throws: hostile input gets problems, not exceptions.
 */
import * as z from 'zod/mini';
import '../zod-messages.js';
import { collectReferences, findExpressionProblems } from '../expressions/index.js';
import { buildGraph, findCycle } from '../dag/graph.js';
import { canonicalStageType, fieldNames, type StageField, stageTypeInfo, supportedStageTypes } from '../stage-types/index.js';
import { triggerProblems } from '../triggers/trigger-types.js';
import { readExpectedArtifacts } from './expected-artifacts.js';
import { failurePolicyOf, type Pipeline, type Stage } from './pipeline.js';
import { userPatternProblem } from '../expressions/regex.js';
import { closestKnownField } from './field-names.js';
import { notificationSecretProblems, type SecretProblems, secretProblems } from './secret-references.js';
import { jsonPath, type Problem } from './problems.js';
import { type ParsedStage, PipelineSchema, StageSchema, type TriggerConfig, TriggerSchema } from './schema.js';

export interface ValidationResult {
  /** Present only when there are no errors. */
  readonly pipeline?: Pipeline;
  readonly errors: Problem[];
  readonly warnings: Problem[];
}

export interface ValidateOptions {
  /** Used when the pipeline names no application/name (common in raw Spinnaker exports). */
  readonly defaults?: { readonly application?: string; readonly name?: string };
}

const TopLevelSchema = z.omit(PipelineSchema, { stages: true });

function zodProblems(error: z.core.$ZodError, root: string): Problem[] {
  return error.issues.map((issue) => ({ path: jsonPath(issue.path, root), message: issue.message }));
}

export function validatePipeline(raw: unknown, options: ValidateOptions = {}): ValidationResult {
  try {
    return validate(raw, options);
  } catch (error) {
    // A rule that trips over truly bizarre input must still not surface as a crash.
    return { errors: [{ path: '$', message: `could not validate: ${(error as Error).message}` }], warnings: [] };
  }
}

function validate(raw: unknown, options: ValidateOptions): ValidationResult {
  const errors: Problem[] = [];
  const warnings: Problem[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { errors: [{ path: '$', message: 'a pipeline must be an object with a stages list' }], warnings };
  }
  const record = withoutNulls(raw as Record<string, unknown>);
  const top = parseTopLevel(record, errors);
  if (!Array.isArray(record.stages)) {
    errors.push({ path: '$.stages', message: 'required: a list of stages' });
    return { errors, warnings };
  }

  const parsed: ParsedEntry[] = record.stages.map((s, i) => {
    const result = StageSchema.safeParse(isPlainObject(s) ? withoutNulls(s) : s);
    if (result.success) return { stage: result.data, valid: true };
    errors.push(...zodProblems(result.error, `$.stages[${i}]`));
    // It still exists for the graph checks: no false "no stage has refId" for its dependants.
    const shell = graphShell(s);
    return shell ? { stage: shell, valid: false } : undefined;
  });

  const all = normaliseStages(parsed, errors);
  checkGraph(all, errors);
  // Stages that failed their schema were reported; their other rules would only repeat it.
  const stages = all.filter((s) => s.valid);
  checkStageTypes(stages, errors, warnings);
  checkDollarKeys(record.stages, errors);
  checkSecrets(record.stages, record.notifications, errors, warnings);
  checkExpressions(stages, top.data.parameterConfig ?? [], errors);

  const application = top.data.application ?? (top.invalid.has('application') ? undefined : options.defaults?.application);
  const name = top.data.name ?? (top.invalid.has('name') ? undefined : options.defaults?.name);
  if (!top.data.application && !top.invalid.has('application')) {
    if (application) warnings.push({ path: '$.application', message: `missing; using '${application}'` });
    else errors.push({ path: '$.application', message: 'required: the application this pipeline belongs to' });
  }
  if (!top.data.name && !top.invalid.has('name')) {
    if (name) warnings.push({ path: '$.name', message: `missing; using '${name}'` });
    else errors.push({ path: '$.name', message: 'required: the pipeline name' });
  }
  const artifacts = readExpectedArtifacts(
    record.expectedArtifacts,
    top.triggers.map((t) => t.config),
  );
  errors.push(...artifacts.errors);
  for (const { config, index } of top.triggers) {
    const found = triggerProblems(config, `$.triggers[${index}]`);
    errors.push(...found.errors);
    warnings.push(...found.warnings);
  }

  if (errors.length > 0 || !application || !name) return { errors, warnings };
  if (stages.length !== all.length) return { errors, warnings };
  const data = top.data;
  const pipeline: Pipeline = {
    application,
    name,
    id: data.id ?? `${application}-${name}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-'),
    ...(data.description ? { description: data.description } : {}),
    triggers: data.triggers ?? [],
    parameterConfig: data.parameterConfig ?? [],
    expectedArtifacts: artifacts.expectedArtifacts,
    notifications: data.notifications ?? [],
    limitConcurrent: data.limitConcurrent ?? true,
    maxConcurrentExecutions: data.maxConcurrentExecutions ?? 0,
    keepWaitingPipelines: data.keepWaitingPipelines ?? false,
    stages: stages.map((s) => s.stage),
  };
  return { pipeline, errors, warnings };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A field written as null is a field not written, as Jackson reads Spinnaker's JSON (front50 and
 * API exports carry `"description": null`, `"requisiteStageRefIds": null`, ...). Applied to the
 * pipeline, its triggers and its stages; nested values keep their nulls.
 */
function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null) continue;
    out[key] = key === 'triggers' && Array.isArray(value) ? (value as unknown[]).map((t): unknown => (isPlainObject(t) ? withoutNulls(t) : t)) : value;
  }
  return out;
}

interface TopLevel {
  readonly data: z.output<typeof TopLevelSchema>;
  /** Top-level fields that failed their schema (reported): not defaulted, not reported again. */
  readonly invalid: ReadonlySet<string>;
  /** The triggers that passed their schema, with their index in the file. */
  readonly triggers: ReadonlyArray<{ readonly config: TriggerConfig; readonly index: number }>;
}

/**
 * The pipeline's own fields. A field that fails its schema is reported and left out, so the rest
 * (application, name, each other trigger) is still checked: every problem at once.
 */
function parseTopLevel(record: Record<string, unknown>, errors: Problem[]): TopLevel {
  const parsed = TopLevelSchema.safeParse(record);
  if (parsed.success) return { data: parsed.data, invalid: new Set(), triggers: (parsed.data.triggers ?? []).map((config, index) => ({ config, index })) };
  errors.push(...zodProblems(parsed.error, '$'));
  const invalid = new Set(
    parsed.error.issues.filter((i) => i.path.length > 0 && !(i.path[0] === 'triggers' && typeof i.path[1] === 'number')).map((i) => String(i.path[0])),
  );
  const badTriggers = new Set(parsed.error.issues.filter((i) => i.path[0] === 'triggers' && typeof i.path[1] === 'number').map((i) => i.path[1] as number));
  const rest = Object.fromEntries(Object.entries(record).filter(([key]) => !invalid.has(key) && key !== 'triggers'));
  const again = TopLevelSchema.safeParse(rest);
  const triggers = (Array.isArray(record.triggers) && !invalid.has('triggers') ? record.triggers : []).flatMap((t, index) => {
    if (badTriggers.has(index)) return [];
    const one = TriggerSchema.safeParse(t);
    return one.success ? [{ config: one.data, index }] : [];
  });
  return { data: again.success ? again.data : {}, invalid, triggers };
}

interface IndexedStage {
  readonly index: number;
  readonly stage: Stage;
  /** false: the stage failed its schema and is here only for the graph checks. */
  readonly valid: boolean;
}

type ParsedEntry = { readonly stage: ParsedStage; readonly valid: boolean } | undefined;

/** What the graph checks need of a stage that failed its schema, as far as it can be read. */
function graphShell(raw: unknown): ParsedStage | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const id = (v: unknown): string | undefined =>
    (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isInteger(v)) ? String(v) : undefined;
  const requisites = Array.isArray(r.requisiteStageRefIds) ? r.requisiteStageRefIds.map(id).filter((v): v is string => v !== undefined) : undefined;
  return {
    type: typeof r.type === 'string' && r.type.length > 0 ? r.type : '(no type)',
    ...(id(r.refId) !== undefined ? { refId: id(r.refId) } : {}),
    ...(requisites ? { requisiteStageRefIds: requisites } : {}),
    ...(typeof r.name === 'string' ? { name: r.name } : {}),
  };
}

/** The expression that decides whether a stage runs, as Orca reads stageEnabled; undefined: it runs. */
function enabledExpressionOf(stageEnabled: ParsedStage['stageEnabled']): string | undefined {
  if (!stageEnabled || stageEnabled.type?.toLowerCase() !== 'expression') return undefined;
  const expression = stageEnabled.expression;
  if (expression === undefined || expression === null) return undefined;
  const text = String(expression);
  return text.trim() === '' ? undefined : text;
}

/** Fills defaults; legacy pipelines whose stages have no refIds run in the order written. */
function normaliseStages(parsed: readonly ParsedEntry[], errors: Problem[]): IndexedStage[] {
  const present = parsed.filter((e) => e !== undefined).map((e) => e.stage);
  const legacy = present.length > 0 && present.every((s) => s.refId === undefined);
  const result: IndexedStage[] = [];
  parsed.forEach((entry, index) => {
    if (!entry) return;
    const { stage: s, valid } = entry;
    let refId = s.refId;
    let requisites = s.requisiteStageRefIds ?? [];
    if (legacy) {
      refId = String(index + 1);
      requisites = index > 0 ? [String(index)] : [];
    } else if (refId === undefined) {
      // A stage that failed its schema had its refId problem reported with the rest.
      if (valid) errors.push({ path: `$.stages[${index}].refId`, message: 'required when other stages have refIds' });
      return;
    }
    const config: Record<string, unknown> = { ...s, type: canonicalStageType(s.type), refId, requisiteStageRefIds: requisites };
    const windowed = s.restrictExecutionDuringTimeWindow === true;
    const enabled = enabledExpressionOf(s.stageEnabled);
    result.push({
      index,
      valid,
      stage: {
        refId,
        requisiteStageRefIds: requisites,
        type: canonicalStageType(s.type),
        name: s.name?.trim() || s.type,
        failurePolicy: failurePolicyOf(s),
        ...(enabled !== undefined ? { enabledExpression: String(enabled) } : {}),
        ...(windowed ? { executionWindow: s.restrictedExecutionWindow ?? {} } : {}),
        ...(s.stageTimeoutMs !== undefined ? { stageTimeoutMs: s.stageTimeoutMs } : {}),
        sendNotifications: s.sendNotifications ?? false,
        notifications: s.notifications ?? [],
        config,
      },
    });
  });
  return result;
}

function checkGraph(stages: IndexedStage[], errors: Problem[]): void {
  const firstIndex = new Map<string, number>();
  for (const { index, stage } of stages) {
    const seen = firstIndex.get(stage.refId);
    if (seen !== undefined) {
      errors.push({ path: `$.stages[${index}].refId`, message: `duplicate refId '${stage.refId}' (also $.stages[${seen}])` });
    } else firstIndex.set(stage.refId, index);
  }
  let dangling = false;
  for (const { index, stage } of stages) {
    stage.requisiteStageRefIds.forEach((r, j) => {
      if (r === stage.refId) {
        errors.push({ path: `$.stages[${index}].requisiteStageRefIds[${j}]`, message: `stage '${stage.refId}' cannot depend on itself` });
        dangling = true;
      } else if (!firstIndex.has(r)) {
        errors.push({ path: `$.stages[${index}].requisiteStageRefIds[${j}]`, message: `no stage has refId '${r}'` });
        dangling = true;
      }
    });
  }
  if (dangling || firstIndex.size !== stages.length) return;
  const cycle = findCycle(buildGraph(stages.map((s) => s.stage)));
  if (cycle) {
    const at = firstIndex.get(cycle[0]!)!;
    errors.push({ path: `$.stages[${at}].requisiteStageRefIds`, message: `cycle: ${cycle.join(' → ')}` });
  }
}

/** Fields every stage may have (StageSchema, and what Deck writes on every stage). */
const COMMON_STAGE_FIELDS: readonly string[] = [
  ...Object.keys(StageSchema.shape),
  'comments',
  'isNew',
  'expectedArtifacts',
  'requiredArtifactIds',
  'overrideTimeout',
  'skipWindowText',
  'failOnFailedExpressions',
  'group',
  'alias',
  'cloudProvider',
  'cloudProviderType',
  'account',
  'credentials',
];

/** Problems a stage type's check reports about the stage's provider (cloud.ts cloudProviderProblems). */
const PROVIDER_PROBLEM = /^(clusters\[\d+\]\.)?(cloudProvider|cloudProviderType|provider): /;

function checkStageTypes(stages: IndexedStage[], errors: Problem[], warnings: Problem[]): void {
  for (const { index, stage } of stages) {
    const info = stageTypeInfo(stage.type);
    if (!info) {
      errors.push({
        path: `$.stages[${index}].type`,
        message: `unsupported stage type '${stage.type}' (stage '${stage.name}'); supported: ${supportedStageTypes().join(', ')}`,
      });
      continue;
    }
    const known = new Set([...COMMON_STAGE_FIELDS, ...fieldNames(info.fields)]);
    for (const field of Object.keys(stage.config)) {
      const meant = closestKnownField(field, known);
      if (meant) warnings.push({ path: jsonPath([field], `$.stages[${index}]`), message: `unknown field of ${stage.type} stages; did you mean ${meant}?` });
    }
    warnings.push(...entryFieldWarnings(stage.type, stage.config, info.fields, `$.stages[${index}]`));
    const checked = info.check?.(stage.config) ?? [];
    // A stage for another provider is refused for that, first and alone: its other fields are that provider's.
    const provider = checked.filter((m) => PROVIDER_PROBLEM.test(m));
    for (const field of provider.length > 0 ? [] : (info.required ?? [])) {
      if (stage.config[field] === undefined) errors.push({ path: `$.stages[${index}].${field}`, message: `required for ${stage.type} stages` });
    }
    for (const message of provider.length > 0 ? provider : checked) {
      const [field, ...rest] = message.split(': ');
      errors.push({ path: `$.stages[${index}]${rest.length > 0 ? `.${field}` : ''}`, message: rest.length > 0 ? rest.join(': ') : message });
    }
  }
}

/** "Did you mean" inside the entries of a list field that declares its entries' fields (a deploy's `clusters[]`). */
function entryFieldWarnings(type: string, config: Readonly<Record<string, unknown>>, fields: readonly StageField[], at: string): Problem[] {
  const warnings: Problem[] = [];
  for (const f of fields) {
    if (!f.items) continue;
    const known = new Set(fieldNames(f.items));
    for (const name of [f.name, ...(f.aliases ?? [])]) {
      const entries = config[name];
      if (!Array.isArray(entries)) continue;
      (entries as unknown[]).forEach((entry, i) => {
        if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
        for (const key of Object.keys(entry)) {
          const meant = closestKnownField(key, known);
          if (meant) warnings.push({ path: jsonPath([name, i, key], at), message: `unknown field of ${type} ${name} entries; did you mean ${meant}?` });
        }
      });
    }
  }
  return warnings;
}

/** Step Functions reads keys ending in `.$` as paths; user config must not smuggle them in. */
function checkDollarKeys(rawStages: unknown[], errors: Problem[]): void {
  const walk = (value: unknown, path: string, depth: number): void => {
    if (depth > 64 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, depth + 1));
      return;
    }
    for (const [key, v] of Object.entries(value)) {
      const child = jsonPath([key], path);
      if (key.endsWith('.$')) errors.push({ path: child, message: "keys ending in '.$' are reserved by Step Functions" });
      walk(v, child, depth + 1);
    }
  };
  rawStages.forEach((s, i) => walk(s, `$.stages[${i}]`, 0));
}

/** Secret references well formed; literal credentials (headers, tokens, incoming-webhook addresses) warned about. */
function checkSecrets(rawStages: unknown[], notifications: unknown, errors: Problem[], warnings: Problem[]): void {
  const add = (found: SecretProblems) => {
    errors.push(...found.errors);
    warnings.push(...found.warnings);
  };
  rawStages.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null) return;
    const { notifications: own, ...rest } = raw as Record<string, unknown>;
    add(secretProblems(rest, `$.stages[${i}]`));
    add(notificationSecretProblems(own, `$.stages[${i}].notifications`));
  });
  add(notificationSecretProblems(notifications, '$.notifications'));
}

function checkExpressions(stages: IndexedStage[], parameterConfig: ReadonlyArray<{ name: string }>, errors: Problem[]): void {
  const declared = new Set(parameterConfig.map((p) => p.name));
  const names = new Set(stages.map((s) => s.stage.name));
  const refIds = new Set(stages.map((s) => s.stage.refId));
  const judgments = new Set(stages.filter((s) => s.stage.type === 'manualJudgment').map((s) => s.stage.name));
  for (const { index, stage } of stages) {
    const path = `$.stages[${index}]`;
    errors.push(...findExpressionProblems(stage.config, path));
    if (stage.enabledExpression !== undefined && !stage.enabledExpression.includes('${')) {
      // Deck stores stageEnabled as a bare expression; check it as one.
      errors.push(...findExpressionProblems(`\${${stage.enabledExpression}}`, `${path}.stageEnabled.expression`));
    }
    const refs = collectReferences(stage.enabledExpression !== undefined ? [stage.config, `\${${stage.enabledExpression}}`] : stage.config);
    for (const p of refs.parameters) {
      if (!declared.has(p)) errors.push({ path, message: `references parameter '${p}' which parameterConfig does not declare` });
    }
    for (const n of refs.stageNames) {
      if (!names.has(n)) errors.push({ path, message: `#stage('${n}') names no stage of this pipeline` });
    }
    for (const r of refs.stageRefIds) {
      if (!refIds.has(r)) errors.push({ path, message: `#stageByRefId('${r}') names no stage of this pipeline` });
    }
    for (const j of refs.judgments) {
      if (!judgments.has(j)) errors.push({ path, message: `#judgment('${j}') names no manualJudgment stage of this pipeline` });
    }
    for (const pattern of refs.patterns) {
      const problem = userPatternProblem(pattern);
      if (problem !== undefined) errors.push({ path, message: problem });
    }
  }
}
