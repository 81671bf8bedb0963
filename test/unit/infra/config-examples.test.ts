/** The settings examples shipped under config/examples are valid: each parses as `cdk synth` would read it. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { optionsFromContext } from '../../../infra/gennaker-app.js';
import { ResolvedSettings, SETTING_KEYS } from '../../../infra/platform/configuration.js';
import { isTimeZone } from '../../../state-machines/model/time-zone.js';

const dir = join(import.meta.dirname, '../../../config/examples');
const FILES: Record<string, string> = {
  accounts: 'accounts.yml',
  trafficGuards: 'traffic-guards.yml',
  bake: 'bake.yml',
  jenkinsMasters: 'jenkins-masters.yml',
  launchPermissions: 'launch-permissions.yml',
  permissions: 'permissions.yml',
  preconfiguredWebhooks: 'preconfigured-webhooks.yml',
  secretAccess: 'secret-access.yml',
  artifacts: 'artifacts.yml',
  notifications: 'notifications.yml',
};

describe('config/examples', () => {
  it('has an example for every platform setting', () => {
    expect(Object.keys(FILES).sort()).toEqual([...SETTING_KEYS].sort());
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.yml'))
        .sort(),
    ).toEqual(Object.values(FILES).sort());
  });

  it.each(Object.entries(FILES))('%s (%s) is read and checked as synth reads it', (key, file) => {
    const settings = ResolvedSettings.resolve({ [key]: { file: join(dir, file) } });
    expect(settings).toBeInstanceOf(ResolvedSettings);
  });

  it('accounts name the roles the functions may assume', () => {
    const settings = ResolvedSettings.resolve({ accounts: { file: join(dir, 'accounts.yml') } });
    expect(settings.assumableRoles).toEqual(['arn:aws:iam::111111111111:role/gennaker-deploy', 'arn:aws:iam::222222222222:role/gennaker-deploy']);
  });

  it('cdk-context.json sets the time zone and names every settings file, as the CDK app reads its context', () => {
    const context = JSON.parse(readFileSync(join(dir, 'cdk-context.json'), 'utf8')) as Record<string, string>;
    const options = optionsFromContext(new App({ context }));
    expect(options.platform?.timeZone).toBe('Europe/Paris');
    expect(isTimeZone(context['gennaker:timeZone']!)).toBe(true);
    expect(Object.keys(options.platform?.settings ?? {}).sort()).toEqual([...SETTING_KEYS].sort());
    const settings = ResolvedSettings.resolve(options.platform!.settings);
    expect(settings).toBeInstanceOf(ResolvedSettings);
  });
});
