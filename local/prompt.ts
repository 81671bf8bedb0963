/** Asks the person at the terminal to judge a manual judgment stage. */
import { GENNAKER } from './command-name.js';
import { createInterface } from 'node:readline/promises';
import type { JudgmentAnswer, JudgmentQuestion } from './runtime.js';

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The `gennaker judge` command that answers this question as the prompt would (first input offered). */
function judgeCommand(question: Pick<JudgmentQuestion, 'executionId' | 'stageName' | 'inputs'>): string {
  const input = question.inputs[0] !== undefined ? ` --input ${shellQuote(question.inputs[0])}` : '';
  return `${GENNAKER} judge ${question.executionId} ${shellQuote(question.stageName)} continue${input}`;
}

export function terminalJudge(input: NodeJS.ReadableStream, output: NodeJS.WritableStream) {
  return async (question: JudgmentQuestion, signal: AbortSignal): Promise<JudgmentAnswer | undefined> => {
    const rl = createInterface({ input, output });
    // Ctrl-C at the prompt cancels the run like Ctrl-C anywhere else (readline would swallow it).
    rl.on('SIGINT', () => process.emit('SIGINT', 'SIGINT'));
    try {
      output.write(`\nManual judgment '${question.stageName}' (execution ${question.executionId})\n`);
      if (question.instructions) output.write(`  ${question.instructions}\n`);
      output.write(`  (or from another shell: ${judgeCommand(question)})\n`);
      for (;;) {
        const raw = (await rl.question('  continue or stop? [c/s] ', { signal })).trim().toLowerCase();
        const judgment = raw.startsWith('c') ? 'continue' : raw.startsWith('s') ? 'stop' : undefined;
        if (!judgment) continue;
        if (question.inputs.length === 0) return { judgment };
        const choice = (await rl.question(`  input (${question.inputs.join(' / ')}): `, { signal })).trim();
        if (question.inputs.includes(choice)) return { judgment, input: choice };
        output.write(`  '${choice}' is not one of ${question.inputs.join(', ')}\n`);
      }
    } catch {
      return undefined; // aborted: judged elsewhere
    } finally {
      rl.close();
    }
  };
}
