/**
 * Keys that are legal JSON but that JavaScript object machinery treats specially (`__proto__`
 * sets a prototype when assigned, an own `constructor` makes the DynamoDB marshaller take a plain
 * object for a class instance and refuse it). A payload carrying them is still data: the record
 * stores them escaped, wrapped in parentheses (`(__proto__)`; a key already so wrapped gets one
 * more pair, so no two keys collide), and the run starts as any other.
 */
const RESERVED = /^(\(*)(__proto__|constructor|prototype)(\)*)$/;

function escapeKey(key: string): string {
  const match = RESERVED.exec(key);
  return match && match[1]!.length === match[3]!.length ? `(${key})` : key;
}

/** A deep copy with reserved keys escaped; objects are built without prototypes' help (defineProperty). */
export function escapeReservedKeys<T>(value: T, depth = 0): T {
  if (depth > 200 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => escapeReservedKeys(v, depth + 1)) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(copy, escapeKey(key), {
      value: escapeReservedKeys((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy as T;
}
