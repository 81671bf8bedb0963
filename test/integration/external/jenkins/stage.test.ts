import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpSender } from '../../../../functions/core/http/client.js';
import { JenkinsMasters } from '../../../../functions/stages/external/jenkins/masters.js';
import { cancelJenkins, JENKINS_STATE_KEY, jenkinsStage, MARKER_PARAMETER, type JenkinsDeps } from '../../../../functions/stages/external/jenkins/stage.js';
import { FakeJenkins } from '../support/fake-jenkins.js';
import { StageRun } from '../support/stage-run.js';

const PROPERTIES = '# written by the build\nversion=1.4.2\nimage.id=ami-0abc\n';

describe('jenkins stage against a fake Jenkins', () => {
  let jenkins: FakeJenkins;
  let deps: JenkinsDeps;

  beforeEach(async () => {
    jenkins = await FakeJenkins.start();
    const masters = new JenkinsMasters({ ci: { url: `${jenkins.url}/`, user: 'gennaker', apiToken: 'api-token-1' } });
    deps = { http: httpSender({ allowLinkLocal: false, timeoutMs: 2000 }), masters: async () => masters };
  });
  afterEach(async () => {
    await jenkins.close();
  });

  const config = (extra: Record<string, unknown> = {}) => ({
    master: 'ci',
    job: 'team/deploy app',
    parameters: { VERSION: '1.4.2', TARGETS: ['a', 'b'] },
    propertyFile: 'out/build.properties',
    ...extra,
  });

  it('triggers with a crumb, follows the queue item to the build, waits and reads the property file', async () => {
    jenkins.jobs.set('team/deploy app', { parameters: ['VERSION', 'TARGETS', MARKER_PARAMETER], artifacts: { 'out/build.properties': PROPERTIES } });
    const run = new StageRun(jenkinsStage(deps), config());

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    // One trigger, with the crumb and its session cookie, the parameters and the marker.
    expect(jenkins.triggers).toHaveLength(1);
    const trigger = jenkins.triggers[0]!;
    expect(trigger.url).toBe('/job/team/job/deploy%20app/buildWithParameters');
    expect(trigger.headers['jenkins-crumb']).toBe('crumb-1');
    const form = new URLSearchParams(trigger.body);
    expect(form.get('VERSION')).toBe('1.4.2');
    expect(form.getAll('TARGETS')).toEqual(['a', 'b']);
    expect(form.get(MARKER_PARAMETER)).toMatch(/^[0-9a-f]{32}$/);
    // queued → building → done
    expect(run.results.map((r) => r.status)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(run.state).toMatchObject({
      queuedBuild: 100,
      buildNumber: 1,
      buildInfo: { name: 'team/deploy app', number: 1, result: 'SUCCESS', building: false },
    });
    expect(run.outputs).toMatchObject({
      version: '1.4.2',
      'image.id': 'ami-0abc',
      buildNumber: 1,
      propertyFileContents: { version: '1.4.2', 'image.id': 'ami-0abc' },
      buildInfo: { url: `${jenkins.url}/job/team/job/deploy%20app/1/`, artifacts: [{ fileName: 'build.properties', relativePath: 'out/build.properties' }] },
    });
    // The queue id was recorded right after the trigger, before anything else could go wrong.
    expect(run.checkpoints.map((c) => Object.keys(c))).toEqual([
      [JENKINS_STATE_KEY, 'master', 'job'],
      [JENKINS_STATE_KEY, 'queuedBuild'],
    ]);
    expect(JSON.stringify([run.state, run.outputs])).not.toContain('api-token-1');
  });

  it('finds the queued build again after a crash between the trigger and its checkpoint: one build, not two', async () => {
    jenkins.jobs.set('team/deploy app', { parameters: ['VERSION', 'TARGETS', MARKER_PARAMETER] });
    jenkins.queuePolls = 5;
    const run = new StageRun(jenkinsStage(deps), config({ propertyFile: undefined }));
    run.crashBeforeCheckpoint = (patch) => 'queuedBuild' in patch;

    await expect(run.call()).rejects.toThrow('simulated crash');
    expect(run.state[JENKINS_STATE_KEY]).toMatchObject({ triggering: true });
    expect(run.state.queuedBuild).toBeUndefined();

    const result = await run.untilDone();

    expect(result.status).toBe('SUCCEEDED');
    expect(jenkins.triggers).toHaveLength(1);
    expect(jenkins.builds).toHaveLength(1);
    expect(run.state.queuedBuild).toBe(100);
  });

  it('finds the build by its marker when it already left the queue', async () => {
    jenkins.jobs.set('team/deploy app', { parameters: ['VERSION', 'TARGETS', MARKER_PARAMETER] });
    const run = new StageRun(jenkinsStage(deps), config({ propertyFile: undefined }));
    run.crashBeforeCheckpoint = (patch) => 'queuedBuild' in patch;
    await expect(run.call()).rejects.toThrow('simulated crash');
    jenkins.startBuild(jenkins.queue.get(100)!);

    expect((await run.untilDone()).status).toBe('SUCCEEDED');
    expect(jenkins.triggers).toHaveLength(1);
    expect(run.state.buildNumber).toBe(1);
  });

  it('refuses to trigger again when the job cannot show the marker (it does not declare it)', async () => {
    jenkins.jobs.set('team/deploy app', { parameters: ['VERSION', 'TARGETS'] });
    const run = new StageRun(jenkinsStage(deps), config());
    run.crashBeforeCheckpoint = (patch) => 'queuedBuild' in patch;
    await expect(run.call()).rejects.toThrow('simulated crash');

    const result = await run.call();

    expect(result.status).toBe('FAILED');
    expect(result.status === 'FAILED' && result.error).toMatch(/does not declare the GENNAKER_TRIGGER_ID parameter.*not starting a second build/);
    expect(jenkins.triggers).toHaveLength(1);
  });

  it('starts a job without parameters through /build', async () => {
    jenkins.jobs.set('nightly', {});
    const run = new StageRun(jenkinsStage(deps), { master: 'ci', job: 'nightly' });
    expect((await run.untilDone()).status).toBe('SUCCEEDED');
    expect(jenkins.triggers.map((t) => t.url)).toEqual(['/job/nightly/build']);
  });

  it.each([
    ['FAILURE', {}, 'FAILED', /ended FAILURE/],
    ['UNSTABLE', {}, 'FAILED', /ended UNSTABLE \(set markUnstableAsSuccessful to accept it\)/],
    ['UNSTABLE', { markUnstableAsSuccessful: true }, 'SUCCEEDED', undefined],
    ['ABORTED', {}, 'CANCELED', /was aborted/],
  ])('a %s build with %j makes the stage %s', async (buildResult, extra, status, error) => {
    jenkins.jobs.set('job', { parameters: ['X'], result: buildResult });
    const result = await new StageRun(jenkinsStage(deps), { master: 'ci', job: 'job', parameters: { X: '1' }, ...extra }).untilDone();
    expect(result.status).toBe(status);
    if (error) expect(result.status === 'FAILED' ? result.error : result.status === 'CANCELED' ? result.reason : undefined).toMatch(error);
  });

  it('fails when the property file is not among the artifacts', async () => {
    jenkins.jobs.set('job', { parameters: ['X'] });
    const result = await new StageRun(jenkinsStage(deps), { master: 'ci', job: 'job', propertyFile: 'missing.properties' }).untilDone();
    expect(result).toMatchObject({ status: 'FAILED', error: 'build job #1 has no artifact missing.properties (propertyFile)' });
  });

  it('retries when Jenkins answers 5xx, and fails on 404 naming the job', async () => {
    jenkins.jobs.set('job', { parameters: ['X'] });
    jenkins.failNext = { path: /\/job\/job\/1\/api\/json$/, status: 502 };
    const run = new StageRun(jenkinsStage(deps), { master: 'ci', job: 'job' });
    expect((await run.untilDone()).status).toBe('SUCCEEDED');
    expect(run.results.some((r) => r.status === 'RUNNING' && r.context?.lastError === 'reading build job #1: Jenkins answered 502')).toBe(true);

    const missing = await new StageRun(jenkinsStage(deps), { master: 'ci', job: 'nope' }).call();
    expect(missing).toMatchObject({ status: 'FAILED', error: 'reading job nope: Jenkins answered 404 (not found)' });
  });

  it('fails with the master names when the master is unknown, and on a cancelled queue item', async () => {
    expect(await new StageRun(jenkinsStage(deps), { master: 'other', job: 'job' }).call()).toMatchObject({
      status: 'FAILED',
      error: "no Jenkins master 'other'; configured: ci",
    });

    jenkins.jobs.set('job', { parameters: ['X'] });
    jenkins.queuePolls = 10;
    const run = new StageRun(jenkinsStage(deps), { master: 'ci', job: 'job' });
    await run.call();
    jenkins.queue.get(100)!.cancelled = true;
    expect(await run.call()).toMatchObject({ status: 'FAILED', error: 'queue item 100 of job was cancelled in Jenkins' });
  });

  it('finds the build by queue id when Jenkins has forgotten the queue item', async () => {
    jenkins.jobs.set('job', { parameters: ['X'] });
    const run = new StageRun(jenkinsStage(deps), { master: 'ci', job: 'job' });
    await run.call();
    jenkins.startBuild(jenkins.queue.get(100)!);
    jenkins.forgotten.add(100);
    expect((await run.untilDone()).status).toBe('SUCCEEDED');
    expect(run.state.buildNumber).toBe(1);
  });

  it('stops the build on cancel', async () => {
    jenkins.jobs.set('job', { parameters: ['X'] });
    jenkins.buildPolls = 100;
    jenkins.queuePolls = 0;
    const run = new StageRun(jenkinsStage(deps), { master: 'ci', job: 'job' });
    await run.call();
    await run.call();
    expect(run.state.buildNumber).toBe(1);

    expect(await cancelJenkins(run.config, run.state, deps)).toEqual({ stopped: true });
    expect(jenkins.builds[0]?.stopped).toBe(true);
    expect(await run.call()).toMatchObject({ status: 'CANCELED', reason: 'build job #1 was aborted' });
  });
});
