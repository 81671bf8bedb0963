/**
 * CodeBuild "Build State Change" events from EventBridge → a codebuild trigger object
 * `{type: 'codebuild', project, buildId, buildNumber, account, region, buildInfo, properties}`
 * with Spinnaker's buildInfo shape. Only SUCCEEDED builds start pipelines. `properties` holds the
 * build's PLAINTEXT environment variables (parameter-store and secrets-manager ones are skipped:
 * their values are references to secrets). Pure.
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import type { TriggerConfig } from '../../../state-machines/model/schema.js';
import type { MatchResult } from '../dispatch.js';
import type { EventBridgeEvent } from '../events.js';
import { ignored, type Normalized, parseOrRefuse } from '../normalized.js';
import { matchesWhole } from '../regex.js';
import { textOf } from '../../../state-machines/model/problems.js';

export interface CodeBuildEvent {
  readonly eventId: string;
  readonly project: string;
  readonly buildId: string;
  readonly buildNumber?: number;
  readonly status: string;
  readonly account?: string;
  readonly region?: string;
  readonly logsUrl?: string;
  readonly sourceVersion?: string;
  readonly resolvedSourceVersion?: string;
  readonly initiator?: string;
  readonly artifacts: ReadonlyArray<Record<string, string>>;
  readonly properties: Readonly<Record<string, string>>;
}

const Detail = z.looseObject({
  'build-status': z.string(),
  'project-name': z.string().check(z.minLength(1)),
  'build-id': z.string().check(z.minLength(1)),
  'additional-information': z.optional(
    z.looseObject({
      'build-number': z.optional(z.number()),
      initiator: z.optional(z.string()),
      'source-version': z.optional(z.string()),
      'resolved-source-version': z.optional(z.string()),
      logs: z.optional(z.looseObject({ 'deep-link': z.optional(z.string()) })),
      artifact: z.optional(z.looseObject({ location: z.optional(z.string()), sha256sum: z.optional(z.string()), md5sum: z.optional(z.string()) })),
      environment: z.optional(
        z.looseObject({
          'environment-variables': z.optional(z.array(z.looseObject({ name: z.string(), type: z.optional(z.string()), value: z.optional(z.string()) }))),
        }),
      ),
    }),
  ),
});

export function normalizeCodeBuild(event: EventBridgeEvent): Normalized<CodeBuildEvent> {
  if (event.source !== 'aws.codebuild' || event['detail-type'] !== 'CodeBuild Build State Change') {
    return ignored(`not a CodeBuild build state change (${event.source} / ${event['detail-type']})`);
  }
  const d = parseOrRefuse(Detail, event.detail, 'CodeBuild build state change');
  if (d['build-status'] !== 'SUCCEEDED') return ignored(`build ${d['build-status']}: only successful builds trigger pipelines`);
  const info = d['additional-information'];
  const artifact = info?.artifact;
  const properties: Record<string, string> = {};
  for (const v of info?.environment?.['environment-variables'] ?? []) {
    if ((v.type ?? 'PLAINTEXT') === 'PLAINTEXT' && v.value !== undefined) properties[v.name] = v.value;
  }
  return {
    kind: 'event',
    event: {
      eventId: event.id,
      project: d['project-name'],
      buildId: d['build-id'],
      ...(info?.['build-number'] !== undefined ? { buildNumber: info['build-number'] } : {}),
      status: d['build-status'],
      ...(event.account ? { account: event.account } : {}),
      ...(event.region ? { region: event.region } : {}),
      ...(info?.logs?.['deep-link'] ? { logsUrl: info.logs['deep-link'] } : {}),
      ...(info?.['source-version'] ? { sourceVersion: info['source-version'] } : {}),
      ...(info?.['resolved-source-version'] ? { resolvedSourceVersion: info['resolved-source-version'] } : {}),
      ...(info?.initiator ? { initiator: info.initiator } : {}),
      artifacts: artifact?.location ? [{ location: artifact.location, ...(artifact.sha256sum ? { sha256sum: artifact.sha256sum } : {}) }] : [],
      properties,
    },
  };
}

export function codeBuildTrigger(build: CodeBuildEvent): Record<string, unknown> {
  // No invented values: an event without a build number records none.
  const number = build.buildNumber;
  return {
    type: 'codebuild',
    project: build.project,
    buildId: build.buildId,
    ...(number !== undefined ? { buildNumber: number } : {}),
    ...(build.account ? { account: build.account } : {}),
    ...(build.region ? { region: build.region } : {}),
    ...(build.initiator ? { user: build.initiator } : {}),
    buildInfo: {
      name: build.project,
      ...(number !== undefined ? { number } : {}),
      fullDisplayName: number !== undefined ? `${build.project} #${number}` : build.project,
      ...(build.logsUrl ? { url: build.logsUrl } : {}),
      result: 'SUCCESS',
      building: false,
      scm:
        build.sourceVersion || build.resolvedSourceVersion
          ? [
              {
                ...(build.sourceVersion ? { branch: build.sourceVersion, name: build.sourceVersion } : {}),
                ...(build.resolvedSourceVersion ? { sha1: build.resolvedSourceVersion } : {}),
              },
            ]
          : [],
      artifacts: build.artifacts,
    },
    properties: build.properties,
  };
}

/**
 * `{type: 'codebuild', project, account?, region?}`: the project name, equal or matching as a
 * whole-string regular expression; account and region, when given, must be the event's.
 */
export function matchCodeBuildTrigger(config: TriggerConfig, build: CodeBuildEvent): MatchResult {
  const c = config as TriggerConfig & { project?: unknown; account?: unknown; region?: unknown };
  if (typeof c.project !== 'string' || (c.project !== build.project && !matchesWhole(c.project, build.project))) return { matched: false };
  if (c.account !== undefined && c.account !== '' && textOf(c.account) !== build.account) {
    return { matched: false, reason: `account ${build.account ?? '?'} is not ${textOf(c.account)}` };
  }
  if (c.region !== undefined && c.region !== '' && c.region !== build.region) {
    return { matched: false, reason: `region ${build.region ?? '?'} is not ${textOf(c.region)}` };
  }
  return { matched: true };
}
