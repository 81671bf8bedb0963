/** Durations and times, short. */
export function duration(ms: number): string {
  if (ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h ${String(m % 60).padStart(2, '0')}m`;
}

/** How long something ran: to its end, or to now while it runs. */
export function elapsed(start: number | undefined, end: number | undefined, now = Date.now()): string {
  return start === undefined ? '' : duration((end ?? now) - start);
}

export function time(ms: number | undefined): string {
  return ms === undefined ? '' : new Date(ms).toLocaleString();
}

/** A value from a record as text: lists and maps as JSON, never `[object Object]`. */
export function text(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}
