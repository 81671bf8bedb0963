import { describe, expect, it } from 'vitest';
import { readinessOf } from '../../../../functions/core/readiness.js';

const s = (refId: string, status: string, requisiteStageRefIds: string[] = []) => ({ refId, status: status as never, requisiteStageRefIds });

describe('readiness', () => {
  it('is ready when every requisite passed (succeeded, failed-continue, skipped)', () => {
    expect(readinessOf(['a', 'b', 'c'], [s('a', 'SUCCEEDED'), s('b', 'FAILED_CONTINUE'), s('c', 'SKIPPED')])).toBe('ready');
  });
  it('waits while a requisite runs or has not started', () => {
    expect(readinessOf(['a', 'b'], [s('a', 'SUCCEEDED'), s('b', 'RUNNING')])).toBe('waiting');
  });
  it('is never when a requisite halted, directly or further up', () => {
    expect(readinessOf(['a'], [s('a', 'STOPPED')])).toBe('never');
    expect(readinessOf(['b'], [s('a', 'TERMINAL'), s('b', 'NOT_STARTED', ['a'])])).toBe('never');
    expect(readinessOf(['b'], [s('a', 'RUNNING'), s('b', 'NOT_STARTED', ['a'])])).toBe('waiting');
  });
});
