/** The one error hierarchy: every class has a kind, and one table gives each kind its HTTP status and exit code. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../cli/errors.js';
import { ApiCallError } from '../../../functions/api/http-client.js';
import { AccountsConfigError, TransientCloudError, UnknownAccountError } from '../../../functions/core/cloud/errors.js';
import { ExecutionStateError } from '../../../functions/core/concurrency.js';
import { ExecutionNotFoundError, JudgmentError, JudgmentForbiddenError, JudgmentInputError } from '../../../functions/core/errors.js';
import { WebhookCallbackError } from '../../../functions/stages/external/errors.js';
import { ParameterError } from '../../../functions/triggers/errors.js';
import { PipelineDefinitionError } from '../../../infra/errors.js';
import { MotoUnavailableError } from '../../../local/emulator.js';
import { ERROR_KINDS, errorKindOfStatus, exitCodeOf, GennakerError, httpStatusOf } from '../../../state-machines/errors.js';
import { ExpressionError } from '../../../state-machines/expressions/errors.js';

const root = join(import.meta.dirname, '../../..');

describe('error kinds', () => {
  it.each([
    [new UsageError('x'), 400, 2],
    [new ParameterError('x', []), 400, 2],
    [new UnknownAccountError('x'), 400, 2],
    [new ExpressionError('bad', '${x}'), 400, 2],
    [new PipelineDefinitionError('p.yml', []), 400, 2],
    [new JudgmentInputError('x'), 400, 2],
    [new JudgmentForbiddenError('x'), 403, 1],
    [new ExecutionNotFoundError('x'), 404, 1],
    [new JudgmentError('x'), 409, 1],
    [new ExecutionStateError('x'), 409, 1],
    [new WebhookCallbackError('x', 'too-large'), 413, 2],
    [new TransientCloudError('x'), 503, 1],
    [new MotoUnavailableError('x'), 503, 1],
    [new AccountsConfigError(['x']), 500, 3],
    [new Error('a bug'), 500, 3],
    ['not even an error', 500, 3],
  ])('%s → HTTP %i, exit %i', (error, status, exit) => {
    expect(httpStatusOf(error)).toBe(status);
    expect(exitCodeOf(error)).toBe(exit);
  });

  it('an answer of the API exits as the error behind it would have', () => {
    for (const [kind, { http, exit }] of Object.entries(ERROR_KINDS)) {
      expect(errorKindOfStatus(http)).toBe(kind);
      expect(exitCodeOf(new ApiCallError('x', http, 'E'))).toBe(exit);
    }
    expect(errorKindOfStatus(422)).toBe('input');
    expect(errorKindOfStatus(502)).toBe('transient');
  });

  it('keeps each class its own name and the statuses a webhook callback answers', () => {
    expect(new UnknownAccountError('x').name).toBe('UnknownAccountError');
    expect(new JudgmentInputError('x').name).toBe('JudgmentInputError');
    expect(new WebhookCallbackError('x', 'forbidden')).toMatchObject({ kind: 'forbidden', httpStatus: 403 });
    expect(new UnknownAccountError('x')).toBeInstanceOf(GennakerError);
  });

  it('every error class of ours extends GennakerError (the browser console, which imports nothing of ours, aside)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!['node_modules', 'cdk.out', '.gennaker', 'dist'].includes(entry.name)) walk(path);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/class (\w+) extends (Error|TypeError|RangeError)\b/g))
            if (m[1] !== 'GennakerError') offenders.push(`${relative(root, path)}: ${m[1]}`);
        }
      }
    };
    for (const dir of ['state-machines', 'functions', 'infra', 'local', 'cli']) walk(join(root, dir));
    expect(offenders).toEqual([]);
  });

  it('no code tells errors apart by name strings or message text: classes, kinds, or an AWS code read at the SDK boundary', () => {
    // The boundary reads AWS error codes (and Auto Scaling's one "not found" that only its message says);
    // an aborted or timed-out request is a DOMException, whose name is all that tells the two apart.
    const allowed = new Set(['functions/core/cloud/aws-errors.ts', 'functions/core/http/client.ts']);
    const patterns = [/\bas \{ name\?: string[^}]*\}\)\.name\b/, /\b(error|err|e)\??\.name\s*[!=]==/, /\bmessage\??\.(startsWith|endsWith|match)\(/];
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!['node_modules', 'cdk.out', '.gennaker', 'dist'].includes(entry.name)) walk(path);
        } else if (/\.tsx?$/.test(entry.name) && !allowed.has(relative(root, path))) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (patterns.some((p) => p.test(line))) offenders.push(`${relative(root, path)}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const dir of ['state-machines', 'functions', 'infra', 'local', 'cli', 'console/src']) walk(join(root, dir));
    expect(offenders).toEqual([]);
  });
});
