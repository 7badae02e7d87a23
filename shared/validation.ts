import type { z } from 'zod';

/** A rejected input: names the field (dotted path) and the rule that failed, so an operator can fix it. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    readonly field: string,
    readonly rule: string,
    message?: string,
  ) {
    super(message ?? `${field}: ${rule}`);
  }
}

/** Formats a zod issue path as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

/** Parses with a zod schema and throws one ValidationError naming the first failing field and its rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, root?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? formatPath(root ? [root, ...issue.path] : issue.path) : (root ?? '(root)');
  const rule = issue?.message ?? 'invalid';
  throw new ValidationError(path, rule, `${path}: ${rule}`);
}
