/** Runs the project's pinned CDK CLI (node_modules/.bin/cdk) against the emulator, offline. */
import { execFile } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../../infra/paths.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'node_modules', '.bin');

/** moto's account, the one `cdk bootstrap` and `cdk deploy` see through STS. */
export const EMULATOR_ACCOUNT = '123456789012';
export const EMULATOR_REGION = 'us-east-1';

export function emulatorEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Node 22 and the pinned cdk, tsx and esbuild come first.
    PATH: `${BIN}${delimiter}${process.env.PATH ?? ''}`,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: EMULATOR_REGION,
    AWS_DEFAULT_REGION: EMULATOR_REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    CDK_DISABLE_VERSION_CHECK: '1',
    CDK_DISABLE_CLI_TELEMETRY: '1',
  };
}

export async function cdk(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
  try {
    const { stdout, stderr } = await run(join(BIN, 'cdk'), [...args, '--no-notices', '--no-color'], {
      cwd: options.cwd,
      env: options.env,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 400_000,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`cdk ${args.join(' ')} failed: ${failed.message}\n${(failed.stderr ?? '').slice(-6000)}\n${(failed.stdout ?? '').slice(-2000)}`, {
      cause: error,
    });
  }
}
