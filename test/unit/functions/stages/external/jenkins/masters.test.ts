import { describe, expect, it } from 'vitest';
import { JenkinsConfigError } from '../../../../../../functions/stages/external/errors.js';
import { JenkinsMasters, loadJenkinsMasterConfigs, parseJenkinsMasters } from '../../../../../../functions/stages/external/jenkins/masters.js';
import { type SecretFetcher, SecretScope, SecretUnavailableError } from '../../../../../../functions/core/secrets/scope.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:jenkins-legacy-AbCdEf';

describe('Jenkins masters', () => {
  it('reads GENNAKER_JENKINS_MASTERS and gives each master its credentials', async () => {
    const configs = await loadJenkinsMasterConfigs({
      GENNAKER_JENKINS_MASTERS: JSON.stringify({ ci: { url: 'https://ci.example/', user: 'gennaker', apiToken: 'tok' }, open: { url: 'http://open.example' } }),
    });
    const masters = new JenkinsMasters(configs);
    expect(masters.names()).toEqual(['ci', 'open']);
    expect(await masters.get('ci')).toEqual({ name: 'ci', url: 'https://ci.example', auth: { user: 'gennaker', apiToken: 'tok' } });
    expect(await masters.get('open')).toEqual({ name: 'open', url: 'http://open.example' });
  });

  it('reads a YAML file named by GENNAKER_JENKINS_MASTERS_FILE', async () => {
    const configs = await loadJenkinsMasterConfigs({ GENNAKER_JENKINS_MASTERS_FILE: '/etc/jenkins.yml' }, async (path) => {
      expect(path).toBe('/etc/jenkins.yml');
      return 'ci:\n  url: https://ci.example\n';
    });
    expect(configs).toEqual({ ci: { url: 'https://ci.example' } });
  });

  it('has no masters when nothing is configured, and says how to configure one', async () => {
    const masters = new JenkinsMasters(await loadJenkinsMasterConfigs({}));
    await expect(masters.get('ci')).rejects.toThrow(
      /no Jenkins master 'ci'; configured: none \(set GENNAKER_JENKINS_MASTERS or GENNAKER_JENKINS_MASTERS_FILE\)/,
    );
  });

  it("resolves an apiToken reference (or the older bare ARN) in the call's scope, once per scope, and reads again after a failure", async () => {
    const reads: string[] = [];
    let fail = true;
    const fetcher: SecretFetcher = async (reference) => {
      reads.push(`${reference.region} ${reference.secretId}`);
      if (fail) throw new SecretUnavailableError('throttled', true);
      return { text: reference.secretId === ARN ? JSON.stringify({ token: 'legacy-token' }) : JSON.stringify({ token: 'new-token-1' }) };
    };
    const masters = new JenkinsMasters({
      legacy: { url: 'https://old.example', user: 'deploy', apiToken: ARN },
      ci: { url: 'https://ci.example', user: 'gennaker', apiToken: 'encrypted:secrets-manager!r:eu-west-1!s:gennaker/jenkins!k:token' },
    });
    await expect(masters.get('legacy', new SecretScope(fetcher))).rejects.toThrow(
      /Jenkins master 'legacy' apiToken: secret 'jenkins-legacy' in us-east-1 cannot be read now: throttled/,
    );
    fail = false;
    const scope = new SecretScope(fetcher);
    expect((await masters.get('legacy', scope)).auth).toEqual({ user: 'deploy', apiToken: 'legacy-token' });
    await masters.get('legacy', scope);
    expect((await masters.get('ci', scope)).auth).toEqual({ user: 'gennaker', apiToken: 'new-token-1' });
    expect(reads).toEqual([`us-east-1 ${ARN}`, `us-east-1 ${ARN}`, 'eu-west-1 gennaker/jenkins']);
    // A new call (a new scope) reads again: nothing outlives the call that needed it.
    await masters.get('ci', new SecretScope(fetcher));
    expect(reads).toHaveLength(4);
    expect(scope.scrub('token new-token-1, basic ' + Buffer.from('gennaker:new-token-1').toString('base64'))).toBe('token <redacted>, basic <redacted>');
  });

  it('refuses a reference outside the engine, naming the master', async () => {
    const masters = new JenkinsMasters({ ci: { url: 'https://ci.example', user: 'u', apiToken: 'encrypted:secrets-manager!r:us-east-1!s:gennaker/j' } });
    await expect(masters.get('ci')).rejects.toThrow(/Jenkins master 'ci' apiToken: .*do not read secrets/);
  });

  it('refuses bad configuration, naming the field', () => {
    expect(() => parseJenkinsMasters({ ci: { url: 'ftp://x' } })).toThrow(JenkinsConfigError);
    expect(() => parseJenkinsMasters({ ci: { url: 'https://x', user: 'u' } })).toThrow(/ci: give both user and apiToken, or neither/);
    expect(() => parseJenkinsMasters({ ci: { url: 'https://x', password: 'p' } })).toThrow(/ci/);
    expect(() => parseJenkinsMasters({ ci: { url: 'https://x', user: 'u', apiToken: 'encrypted:secrets-manager!s:gennaker/j' } })).toThrow(
      /ci\.apiToken: bad secret reference: the region is missing/,
    );
  });
});
