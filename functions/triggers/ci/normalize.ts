/**
 * Finished CI builds → Spinnaker's jenkins trigger object
 * `{type: 'jenkins', master, job, buildNumber, buildInfo: {name, number, url, result, scm, artifacts}, properties}`.
 * Two wire formats: the Jenkins notification plugin's, and a generic build-finished webhook for
 * any CI that can POST JSON. Only finished, successful builds start pipelines (Echo's rule). Pure.
 */
import * as z from 'zod/mini';
import '../../../state-machines/zod-messages.js';
import { ignored, type Normalized, parseOrRefuse } from '../normalized.js';

interface ScmInfo {
  readonly name?: string;
  readonly branch?: string;
  readonly sha1?: string;
  readonly remoteUrl?: string;
}

interface ArtifactInfo {
  readonly fileName: string;
  readonly relativePath: string;
  readonly displayPath: string;
  readonly url?: string;
}

export interface BuildEvent {
  readonly master: string;
  readonly job: string;
  readonly buildNumber: number;
  readonly result: string;
  readonly url?: string;
  readonly scm: readonly ScmInfo[];
  readonly artifacts: readonly ArtifactInfo[];
  /** Becomes `trigger.properties` (Spinnaker reads these from a property file). */
  readonly properties: Readonly<Record<string, unknown>>;
}

const Properties = z.record(z.string(), z.unknown());

/** A build number: a non-negative integer, or a string of one (coerced as `Number(value)`). */
const BuildNumber = z.coerce.number().check(z.int(), z.nonnegative());

const JenkinsNotification = z.looseObject({
  name: z.string().check(z.minLength(1)),
  url: z.optional(z.string()),
  build: z.looseObject({
    full_url: z.optional(z.string()),
    number: BuildNumber,
    phase: z.string(),
    status: z.optional(z.string()),
    scm: z.optional(z.looseObject({ url: z.optional(z.string()), branch: z.optional(z.string()), commit: z.optional(z.string()) })),
    artifacts: z.optional(z.record(z.string(), z.looseObject({ archive: z.optional(z.string()) }))),
    parameters: z.optional(Properties),
    properties: z.optional(Properties),
  }),
});

/** Jenkins job path from the job url: `job/a/job/b/` → `a/job/b` (how Igor names folder jobs). */
export function jenkinsJobName(url: string | undefined, name: string): string {
  const path = url?.replace(/^\/+|\/+$/g, '').replace(/^job\//, '');
  return path && path.length > 0 ? path : name;
}

function branchName(scmBranch: string | undefined): string | undefined {
  return scmBranch?.replace(/^(refs\/heads\/|origin\/)/, '');
}

export function normalizeJenkinsNotification(master: string, body: unknown): Normalized<BuildEvent> {
  const n = parseOrRefuse(JenkinsNotification, body, 'Jenkins notification');
  const phase = n.build.phase.toUpperCase();
  if (phase !== 'COMPLETED' && phase !== 'FINALIZED') return ignored(`build phase ${phase}: not finished`);
  const result = (n.build.status ?? '').toUpperCase();
  if (result !== 'SUCCESS') return ignored(`build result ${result || '(none)'}: only successful builds trigger pipelines`);
  const scm = n.build.scm;
  return {
    kind: 'event',
    event: {
      master,
      job: jenkinsJobName(n.url, n.name),
      buildNumber: n.build.number,
      result,
      ...(n.build.full_url ? { url: n.build.full_url } : {}),
      scm:
        scm && (scm.commit || scm.branch)
          ? [
              {
                ...(scm.branch ? { name: scm.branch, branch: branchName(scm.branch)! } : {}),
                ...(scm.commit ? { sha1: scm.commit } : {}),
                ...(scm.url ? { remoteUrl: scm.url } : {}),
              },
            ]
          : [],
      artifacts: Object.entries(n.build.artifacts ?? {}).map(([fileName, a]) => ({
        fileName: fileName.split('/').at(-1) ?? fileName,
        relativePath: fileName,
        displayPath: fileName,
        ...(a.archive ? { url: a.archive } : {}),
      })),
      properties: { ...n.build.parameters, ...n.build.properties },
    },
  };
}

const BuildWebhook = z.looseObject({
  master: z.optional(z.string().check(z.minLength(1))),
  job: z.string().check(z.minLength(1)),
  buildNumber: BuildNumber,
  result: z.string().check(z.minLength(1)),
  building: z.optional(z.boolean()),
  url: z.optional(z.string()),
  properties: z.optional(Properties),
  scm: z.optional(
    z.array(z.looseObject({ name: z.optional(z.string()), branch: z.optional(z.string()), sha1: z.optional(z.string()), remoteUrl: z.optional(z.string()) })),
  ),
  artifacts: z.optional(
    z.array(
      z.looseObject({
        fileName: z.string().check(z.minLength(1)),
        relativePath: z.optional(z.string()),
        displayPath: z.optional(z.string()),
        url: z.optional(z.string()),
      }),
    ),
  ),
});

/** The generic build-finished webhook: `{master?, job, buildNumber, result, building?, url?, properties?, scm?, artifacts?}`. */
export function normalizeBuildWebhook(master: string | undefined, body: unknown): Normalized<BuildEvent> {
  const b = parseOrRefuse(BuildWebhook, body, 'build-finished event');
  const resolvedMaster = b.master ?? master;
  if (!resolvedMaster) return ignored('no master named (in the body or the route)');
  if (b.building === true) return ignored('the build is still running');
  const result = b.result.toUpperCase();
  if (result !== 'SUCCESS' && result !== 'SUCCEEDED') return ignored(`build result ${result}: only successful builds trigger pipelines`);
  return {
    kind: 'event',
    event: {
      master: resolvedMaster,
      job: b.job,
      buildNumber: b.buildNumber,
      result: 'SUCCESS',
      ...(b.url ? { url: b.url } : {}),
      scm: (b.scm ?? []).map((s) => ({ ...s, ...(s.branch ? { branch: branchName(s.branch)! } : {}) })),
      artifacts: (b.artifacts ?? []).map((a) => ({
        fileName: a.fileName,
        relativePath: a.relativePath ?? a.fileName,
        displayPath: a.displayPath ?? a.fileName,
        ...(a.url ? { url: a.url } : {}),
      })),
      properties: b.properties ?? {},
    },
  };
}

/** Spinnaker's jenkins trigger object for a finished build. */
export function buildTrigger(build: BuildEvent): Record<string, unknown> {
  return {
    type: 'jenkins',
    master: build.master,
    job: build.job,
    buildNumber: build.buildNumber,
    buildInfo: {
      name: build.job,
      number: build.buildNumber,
      fullDisplayName: `${build.job} #${build.buildNumber}`,
      ...(build.url ? { url: build.url } : {}),
      result: build.result,
      building: false,
      scm: build.scm,
      artifacts: build.artifacts,
    },
    properties: build.properties,
  };
}
