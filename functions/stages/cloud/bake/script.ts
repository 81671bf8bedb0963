/**
 * What a bake builder runs: the provisioning script inside a wrapper that shuts the builder down
 * when the script succeeds (the bake images it once it has stopped) and writes a marker to the
 * console when it fails (the bake fails at once instead of at its timeout). Pure.
 */
import { createHash } from 'node:crypto';

const FAILED_MARKER = 'gennaker-bake: failed';
const SUCCEEDED_MARKER = 'gennaker-bake: succeeded';

/** A script without a shebang runs under bash, stopping at the first failing command. */
function executable(script: string): string {
  return script.startsWith('#!') ? script : `#!/bin/bash\nset -euo pipefail\n${script}`;
}

export function wrapProvisioningScript(script: string): string {
  const encoded = Buffer.from(executable(script), 'utf8').toString('base64');
  return [
    '#!/bin/bash',
    '# Gennaker bake: run the provisioning script, then shut down so the image is taken from a quiet disk.',
    'script=/var/tmp/gennaker-provision',
    `echo '${encoded}' | base64 -d > "$script"`,
    'chmod +x "$script"',
    'if "$script" > /var/log/gennaker-bake.log 2>&1; then',
    `  echo '${SUCCEEDED_MARKER}' > /dev/console`,
    '  rm -f "$script"',
    '  sync',
    '  shutdown -h now',
    'else',
    '  status=$?',
    `  echo "${FAILED_MARKER} (exit $status)" > /dev/console`,
    '  tail -n 40 /var/log/gennaker-bake.log > /dev/console',
    'fi',
    '',
  ].join('\n');
}

/** The user data of a builder (base64, as EC2 wants it). */
export function builderUserData(script: string): string {
  return Buffer.from(wrapProvisioningScript(script), 'utf8').toString('base64');
}

const AMI_NAME_CHARS = /[^a-zA-Z0-9()[\]./_'@-]/g;

/**
 * The AMI name: readable (package, base OS) and unique to this bake (a hash of the bake key), so a
 * re-run finds the image it made and another run never does. AMI names are 3 to 128 characters.
 */
export function bakeImageName(prefix: string, baseOs: string | undefined, bakeKey: string): string {
  const hash = createHash('sha256').update(bakeKey).digest('hex').slice(0, 12);
  const readable = [prefix, baseOs].filter(Boolean).join('-').replace(AMI_NAME_CHARS, '-').slice(0, 100);
  return `${readable || 'image'}-${hash}`;
}

/** The failure the console shows, if the script failed. */
export function provisioningFailure(console: string): string | undefined {
  const at = console.lastIndexOf(FAILED_MARKER);
  if (at < 0) return undefined;
  return console.slice(at).split('\n').slice(0, 12).join('\n').trim();
}
