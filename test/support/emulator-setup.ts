/**
 * Vitest global setup: find (or provision, once) the emulator before any test file starts, so a
 * machine that cannot have it gets the one line saying what to install, not one failure per file.
 */
import { emulatorCommand, MotoUnavailableError } from '../../local/emulator.js';

export default async function findEmulator(): Promise<void> {
  try {
    await emulatorCommand({ onProgress: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    if (!(error instanceof MotoUnavailableError)) throw error;
    process.stderr.write(`gennaker tests: ${error.message}\n`);
    process.exit(1);
  }
}
