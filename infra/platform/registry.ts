/**
 * The pipelines a platform deploys, and which of them each function may start. Pipelines register
 * in any order (a parent before or after its children); every state machine that becomes startable
 * is reported once to the listeners, which grant it. References that stay unresolved are reported
 * by `problems()`, for synth to fail on.
 */
import type { Pipeline } from '../../state-machines/index.js';
import { type ChildReference, childReferences } from '../pipeline/children.js';
import { lookupKeys } from '../pipeline/names.js';

export interface Registration {
  readonly pipeline: Pipeline;
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
}

export type Audience = 'children' | 'all';
type Listener = (arn: string) => void;

export class PipelineRegistry {
  private readonly registrations: Registration[] = [];
  private readonly references: ChildReference[] = [];
  /** Lookup key → ARN, per audience: what GENNAKER_STATE_MACHINES holds. */
  private readonly maps: Record<Audience, Map<string, string>> = { children: new Map(), all: new Map() };
  private readonly granted: Record<Audience, Set<string>> = { children: new Set(), all: new Set() };
  private readonly listeners: Record<Audience, Listener[]> = { children: [], all: [] };

  /** Calls `listener` with each state machine ARN that functions of the audience may start. */
  onStartable(audience: Audience, listener: Listener): void {
    this.listeners[audience].push(listener);
    for (const arn of this.granted[audience]) listener(arn);
  }

  register(registration: Registration): void {
    const name = registration.stateMachineName;
    const clash = this.registrations.find((r) => r.stateMachineName === name);
    if (clash) {
      throw new Error(`pipelines ${describe(clash.pipeline)} and ${describe(registration.pipeline)} both map to the state machine name '${name}'`);
    }
    this.registrations.push(registration);
    for (const key of lookupKeys(registration.pipeline)) this.allow('all', key, registration.stateMachineArn);
    for (const reference of this.references) this.resolve(reference, [registration]);
    for (const reference of childReferences(registration.pipeline)) {
      this.references.push(reference);
      this.resolve(reference, this.registrations);
    }
  }

  get pipelines(): readonly Registration[] {
    return this.registrations;
  }

  /** GENNAKER_STATE_MACHINES for a function of the audience, keys sorted for stable output. */
  stateMachineMap(audience: Audience): Record<string, string> {
    return Object.fromEntries([...this.maps[audience]].sort(([a], [b]) => a.localeCompare(b)));
  }

  problems(): string[] {
    return this.references
      .filter((r): r is Extract<ChildReference, { kind: 'static' }> => r.kind === 'static' && !this.maps.children.has(r.key))
      .map((r) => `${r.stage} starts pipeline '${r.key}', which no Pipeline on this platform deploys`);
  }

  private resolve(reference: ChildReference, candidates: readonly Registration[]): void {
    for (const candidate of candidates) {
      const keys = lookupKeys(candidate.pipeline);
      if (reference.kind === 'static') {
        if (keys.includes(reference.key)) this.allow('children', reference.key, candidate.stateMachineArn);
      } else if (reference.application === undefined || reference.application === candidate.pipeline.application) {
        for (const key of keys) this.allow('children', key, candidate.stateMachineArn);
      }
    }
  }

  private allow(audience: Audience, key: string, arn: string): void {
    this.maps[audience].set(key, arn);
    if (this.granted[audience].has(arn)) return;
    this.granted[audience].add(arn);
    for (const listener of this.listeners[audience]) listener(arn);
  }
}

function describe(pipeline: Pipeline): string {
  return `'${pipeline.application}/${pipeline.name}'`;
}
