/**
 * SNS topics that pipelines' pubsub triggers name (`subscriptionName` or `topic`, as
 * functions/triggers/pubsub/normalize.ts matches them), subscribed to the pubsub trigger handler:
 * one subscription per topic, whatever the number of pipelines listening to it (SNS refuses a
 * second subscription of the same endpoint with other attributes), in the platform's stack.
 *
 * The filter policy lets SNS drop messages no trigger on the topic could match, and only those:
 * every trigger requires its attributeConstraints keys to be present (Echo's semantics), so each
 * key becomes `exists`, narrowed to the exact value for an anchored literal (`^prod$`) and to a
 * prefix for `^prod`. Other constraints are regular expressions found *somewhere* in the value,
 * which a filter policy cannot express: the handler checks them (and every payload constraint,
 * since a policy filters either attributes or the body, not both) on each message it receives.
 */
import { createHash } from 'node:crypto';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { CfnSubscription } from 'aws-cdk-lib/aws-sns';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { textOf } from '../../state-machines/model/problems.js';

/** One attribute's conditions, in SNS filter policy JSON (`["prod"]`, `[{"prefix": "v1."}]`, `[{"exists": true}]`). */
export type AttributeConditions = ReadonlyArray<string | { readonly prefix: string } | { readonly exists: true }>;
/** An SNS filter policy on message attributes; undefined = every message. */
export type FilterPolicy = Readonly<Record<string, AttributeConditions>>;

const EXISTS = { exists: true } as const;
/** SNS allows at most 5 attribute keys in a filter policy. */
const MAX_KEYS = 5;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

export function isTopicArn(value: unknown): value is string {
  return typeof value === 'string' && TOPIC_ARN.test(value);
}

/** `abc`, `a\.b` → the literal text; undefined when the pattern has any other regex syntax. */
function literalOf(source: string): string | undefined {
  let text = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined; // \d, \b, \1 ...: a class or an anchor
      text += next;
      i++;
    } else if ('.*+?()[]{}|^$'.includes(c)) return undefined;
    else text += c;
  }
  return text;
}

/**
 * The condition a constraint allows SNS to check. Numeric-looking literals stay `exists`: SNS
 * compares string conditions with String attributes only, the handler compares the text of any type.
 */
export function attributeCondition(pattern: unknown): AttributeConditions[number] {
  if (pattern === undefined || pattern === null) return EXISTS;
  const text = textOf(pattern);
  if (!text.startsWith('^')) return EXISTS;
  const anchoredEnd = text.endsWith('$') && !text.endsWith('\\$');
  const literal = literalOf(text.slice(1, anchoredEnd ? -1 : undefined));
  if (literal === undefined || literal === '' || /^[-+]?[\d.eE]+$/.test(literal)) return EXISTS;
  return anchoredEnd ? literal : { prefix: literal };
}

/** A trigger's attributeConstraints as a filter policy; undefined when it filters nothing (or cannot). */
export function filterPolicyFor(attributeConstraints: unknown): FilterPolicy | undefined {
  if (typeof attributeConstraints !== 'object' || attributeConstraints === null || Array.isArray(attributeConstraints)) return undefined;
  const entries = Object.entries(attributeConstraints as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0 || entries.length > MAX_KEYS) return undefined;
  return Object.fromEntries(entries.map(([key, pattern]) => [key, [attributeCondition(pattern)]]));
}

/**
 * What all triggers on one topic let through: a message matching any of them has every key that
 * all of them require, with a value one of them allows (any value, as soon as one only requires it).
 */
export function mergeFilterPolicies(policies: ReadonlyArray<FilterPolicy | undefined>): FilterPolicy | undefined {
  if (policies.length === 0 || policies.some((p) => p === undefined)) return undefined;
  const all = policies as readonly FilterPolicy[];
  const keys = Object.keys(all[0]!).filter((key) => all.every((p) => key in p));
  if (keys.length === 0) return undefined;
  const merged: Record<string, AttributeConditions> = {};
  for (const key of keys.sort()) {
    const conditions = all.flatMap((p) => p[key]!);
    if (conditions.some((c) => typeof c === 'object' && 'exists' in c)) {
      merged[key] = [EXISTS];
      continue;
    }
    const seen = new Set<string>();
    merged[key] = conditions.filter((c) => {
      const id = JSON.stringify(c);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
  }
  return merged;
}

export interface PubsubSubscriptionsProps {
  readonly handler: IFunction;
  /** Messages SNS could not deliver to the function. */
  readonly deadLetterQueue: IQueue;
}

export class PubsubSubscriptions extends Construct {
  private readonly topics = new Map<string, { subscription: CfnSubscription; policies: Array<FilterPolicy | undefined> }>();

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PubsubSubscriptionsProps,
  ) {
    super(scope, id);
  }

  /** Subscribes the handler to the topic (once) and widens its filter policy to let `policy` through. */
  subscribe(topicArn: string, policy: FilterPolicy | undefined): CfnSubscription {
    let entry = this.topics.get(topicArn);
    if (!entry) {
      const digest = createHash('sha256').update(topicArn).digest('hex').slice(0, 12);
      const topic = Topic.fromTopicArn(this, `Topic${digest}`, topicArn);
      const subscription = topic.addSubscription(new LambdaSubscription(this.props.handler, { deadLetterQueue: this.props.deadLetterQueue }));
      entry = { subscription: subscription.node.defaultChild as CfnSubscription, policies: [] };
      this.topics.set(topicArn, entry);
    }
    entry.policies.push(policy);
    // Pipelines register one after another: the policy is recomputed from all of them each time.
    const merged = mergeFilterPolicies(entry.policies);
    entry.subscription.filterPolicy = merged;
    return entry.subscription;
  }

  get subscribedTopics(): string[] {
    return [...this.topics.keys()];
  }
}
