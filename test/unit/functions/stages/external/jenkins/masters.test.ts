import { describe, expect, it } from 'vitest';
import { JenkinsConfigError } from '../../../../../../functions/stages/external/errors.js';
import { JenkinsMasters, loadJenkinsMasterConfigs, parseJenkinsMasters } from '../../../../../../functions/stages/external/jenkins/masters.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:111111111111:secret:jenkins-legacy-AbCdEf';

describe('Jenkins masters', () => {
  it('reads GENNAKER_JENKINS_MASTERS and gives each master its credentials', async () => {
    const configs = await loadJenkinsMasterConfigs({
      GENNAKER_JENKINS_MASTERS: JSON.stringify({ ci: { url: 'https://ci.example/', user: 'gennaker', apiToken: 'tok' }, open: { url: 'http://open.example' } }),
    });
    const masters = new JenkinsMasters(configs, async () => {
      throw new Error('no secrets expected');
    });
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

  it('reads an apiToken given as a Secrets Manager ARN once, and reads again after a failure', async () => {
    let reads = 0;
    const masters = new JenkinsMasters({ legacy: { url: 'https://old.example', user: 'deploy', apiToken: ARN } }, async (arn) => {
      reads += 1;
      expect(arn).toBe(ARN);
      if (reads === 1) throw new Error('throttled');
      return 'secret-token';
    });
    await expect(masters.get('legacy')).rejects.toThrow('throttled');
    expect((await masters.get('legacy')).auth).toEqual({ user: 'deploy', apiToken: 'secret-token' });
    await masters.get('legacy');
    expect(reads).toBe(2);
  });

  it('refuses bad configuration, naming the field', () => {
    expect(() => parseJenkinsMasters({ ci: { url: 'ftp://x' } })).toThrow(JenkinsConfigError);
    expect(() => parseJenkinsMasters({ ci: { url: 'https://x', user: 'u' } })).toThrow(/ci: give both user and apiToken, or neither/);
    expect(() => parseJenkinsMasters({ ci: { url: 'https://x', password: 'p' } })).toThrow(/ci/);
  });
});
