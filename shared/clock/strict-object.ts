import { z } from 'zod';

/** A zod object that rejects unknown keys with a message naming them (zod reports the parent path). */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} is not allowed`
        : undefined,
  });
}
