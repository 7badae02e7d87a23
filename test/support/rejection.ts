import { expect } from 'vitest';

/** Matches a ValidationError naming `field`, with `rule` exactly (string) or in part (RegExp). */
export const rejection = (field: string, rule: string | RegExp = /./u) =>
  expect.objectContaining({
    name: 'ValidationError',
    field,
    rule: typeof rule === 'string' ? rule : expect.stringMatching(rule),
  });
