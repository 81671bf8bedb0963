import { describe, expect, it } from 'vitest';
import { matchBuildTrigger } from '../../../../functions/triggers/ci/match.js';
import { buildTrigger, jenkinsJobName, normalizeBuildWebhook, normalizeJenkinsNotification } from '../../../../functions/triggers/ci/normalize.js';
import { fixture } from './fixtures.js';

const notification = fixture('jenkins/notification-plugin-completed.json');

describe('Jenkins notification plugin', () => {
  it('turns the sample into a jenkins trigger with buildInfo', () => {
    const n = normalizeJenkinsNotification('ci', notification);
    expect(n.kind).toBe('event');
    if (n.kind !== 'event') return;
    expect(buildTrigger(n.event)).toEqual({
      type: 'jenkins',
      master: 'ci',
      job: 'asgard',
      buildNumber: 18,
      buildInfo: {
        name: 'asgard',
        number: 18,
        fullDisplayName: 'asgard #18',
        url: 'http://localhost:8080/job/asgard/18/',
        result: 'SUCCESS',
        building: false,
        scm: [
          {
            name: 'origin/master',
            branch: 'master',
            sha1: 'c6d86dc654b12425e706bcf951adfe5a8627a517',
            remoteUrl: 'https://github.com/evgeny-goldin/asgard.git',
          },
        ],
        artifacts: [
          { fileName: 'asgard.war', relativePath: 'asgard.war', displayPath: 'asgard.war', url: 'http://localhost:8080/job/asgard/18/artifact/asgard.war' },
          {
            fileName: 'asgard-standalone.jar',
            relativePath: 'asgard-standalone.jar',
            displayPath: 'asgard-standalone.jar',
            url: 'http://localhost:8080/job/asgard/18/artifact/asgard-standalone.jar',
          },
        ],
      },
      properties: {},
    });
  });

  it('names folder jobs as Igor does', () => {
    expect(jenkinsJobName('job/team/job/app/', 'app')).toBe('team/job/app');
    expect(jenkinsJobName(undefined, 'app')).toBe('app');
  });

  it('puts build parameters into properties', () => {
    const withParams = { ...notification, build: { ...(notification.build as object), parameters: { VERSION: '1.2.3' } } };
    const n = normalizeJenkinsNotification('ci', withParams);
    expect(n.kind === 'event' && n.event.properties).toEqual({ VERSION: '1.2.3' });
  });

  it.each(['STARTED', 'QUEUED'])('ignores phase %s', (phase) => {
    expect(normalizeJenkinsNotification('ci', { ...notification, build: { ...(notification.build as object), phase } }).kind).toBe('ignored');
  });

  it.each(['FAILURE', 'UNSTABLE', 'ABORTED'])('ignores result %s', (status) => {
    expect(normalizeJenkinsNotification('ci', { ...notification, build: { ...(notification.build as object), status } }).kind).toBe('ignored');
  });

  it('refuses bodies that are not notifications', () => {
    expect(() => normalizeJenkinsNotification('ci', { name: 'x' })).toThrow(/not a Jenkins notification/);
  });
});

describe('generic build-finished webhook', () => {
  it('takes master from the body or the route, properties and scm', () => {
    const n = normalizeBuildWebhook('route-master', {
      job: 'app',
      buildNumber: '7',
      result: 'success',
      properties: { v: 1 },
      scm: [{ branch: 'refs/heads/main', sha1: 'abc' }],
    });
    expect(n).toMatchObject({
      kind: 'event',
      event: { master: 'route-master', job: 'app', buildNumber: 7, result: 'SUCCESS', properties: { v: 1 }, scm: [{ branch: 'main', sha1: 'abc' }] },
    });
    expect(normalizeBuildWebhook(undefined, { master: 'm', job: 'app', buildNumber: 1, result: 'SUCCESS' })).toMatchObject({ event: { master: 'm' } });
    expect(normalizeBuildWebhook(undefined, { job: 'app', buildNumber: 1, result: 'SUCCESS' }).kind).toBe('ignored');
    expect(normalizeBuildWebhook('m', { job: 'app', buildNumber: 1, result: 'SUCCESS', building: true }).kind).toBe('ignored');
  });
});

describe('matching jenkins triggers', () => {
  const n = normalizeJenkinsNotification('ci', notification);
  const build = n.kind === 'event' ? n.event : undefined!;
  it.each([
    [{ master: 'ci', job: 'asgard' }, true],
    [{ master: 'ci', job: 'Asgard' }, false],
    [{ master: 'other', job: 'asgard' }, false],
    [{ master: 'ci' }, false],
  ])('%j → %s', (fields, expected) => {
    expect(matchBuildTrigger({ type: 'jenkins', ...fields }, build).matched).toBe(expected);
  });
});
