/**
 * Field declarations of stage types: what each type reads from its stage, once, for validate's
 * "did you mean" warning, docs/stages.md and the JSON Schema editors complete from. Pure.
 *
 * Types are JSON Schema type names; any field may also hold a `${...}` expression, and Deck writes
 * many numbers and booleans as strings, so the schema accepts a string wherever it expects another
 * type.
 */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'string[]' | 'object[]';

export interface StageField {
  readonly name: string;
  readonly type: FieldType;
  /** What the stage uses when the field is left out (undefined: nothing, or it is required). */
  readonly default?: unknown;
  /** One line: what it means. */
  readonly description: string;
  /** Spinnaker's name for it, where Gennaker's differs. */
  readonly spinnaker?: string;
  /** Other names the stage reads the same value from (older Deck forms). */
  readonly aliases?: readonly string[];
  /** The values it takes, when a fixed set. */
  readonly values?: readonly string[];
  /** For a list of objects (a deploy's `clusters`): the fields of each entry, checked and documented like a stage's. */
  readonly items?: readonly StageField[];
}

/** A field declaration, briefly. */
export function field(name: string, type: FieldType, description: string, more: Omit<StageField, 'name' | 'type' | 'description'> = {}): StageField {
  return { name, type, description, ...more };
}

/** Every name a field is read under. */
export function fieldNames(fields: readonly StageField[]): string[] {
  return fields.flatMap((f) => [f.name, ...(f.aliases ?? []), ...(f.spinnaker ? [f.spinnaker] : [])]);
}

/** Where a cloud stage acts: account and regions, as Deck writes them. */
export const LOCATION_FIELDS: readonly StageField[] = [
  field('credentials', 'string', 'the account (as configured in gennaker:accounts)', { aliases: ['account', 'accountName'] }),
  field('region', 'string', 'one region'),
  field('regions', 'string[]', 'the regions to act in'),
  field('availabilityZones', 'object', "Deck's region → zones map; its keys are the regions", { aliases: ['zones'] }),
  field('cloudProvider', 'string', 'aws (the only provider of this stage)', { default: 'aws', aliases: ['cloudProviderType', 'provider'] }),
];

export const CLUSTER_FIELDS: readonly StageField[] = [
  ...LOCATION_FIELDS,
  field('cluster', 'string', 'the cluster (application-stack-detail)', { aliases: ['clusterName'] }),
  field('moniker', 'object', "Deck's {app, cluster, stack, detail}; cluster read from it when cluster is not set"),
  field('trafficGuards', 'object[]', 'clusters that must keep an enabled server group ({account, location, stack, detail})'),
  field('interestingHealthProviderNames', 'string[]', 'health providers Deck lists; Gennaker reads target-group and instance health (accepted, not used)'),
];

export const SERVER_GROUP_FIELDS: readonly StageField[] = [
  ...CLUSTER_FIELDS,
  field('serverGroupName', 'string', 'the server group, by name (else picked from cluster by target)', { aliases: ['asgName', 'serverGroup'] }),
  field('target', 'string', 'which group of the cluster', {
    values: [
      'current_asg_dynamic',
      'ancestor_asg_dynamic',
      'oldest_asg_dynamic',
      'largest_asg_dynamic',
      'current_asg',
      'ancestor_asg',
      'oldest_asg',
      'largest_asg',
    ],
  }),
];
