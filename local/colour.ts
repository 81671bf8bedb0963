/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it. */
export function colourOn(stream: { isTTY?: boolean } = process.stdout): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && process.env.TERM !== 'dumb';
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export const paint = (on: boolean, colour: Colour, text: string): string => (on ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text);

/** Orca statuses by how they read: good, bad, going, or neither. */
export function statusColour(status: string): Colour {
  if (status === 'SUCCEEDED') return 'green';
  if (status === 'TERMINAL' || status === 'CANCELED' || status === 'STOPPED') return 'red';
  if (status === 'RUNNING' || status === 'PAUSED') return 'blue';
  if (status === 'FAILED_CONTINUE') return 'yellow';
  return 'dim';
}
