/**
 * Freezes a plain data tree in place and returns it. Buffers (and other typed arrays) cannot be
 * frozen by the engine and are left as they are: a zone's passphrase bytes stay mutable, which
 * lets a caller wipe them (`fill(0)`) after use.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const child of Object.values(value as object)) deepFreeze(child);
  return Object.freeze(value);
}
