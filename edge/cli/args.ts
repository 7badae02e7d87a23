import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A wrong command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command that ran and failed (a check, an import): exit code 1, its message already printed. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parsed options (by long name) and positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** node:util parseArgs, strict, with its errors turned into one-line UsageErrors that name the argument. */
export function parse(args: readonly string[], options: Options, positionals: readonly string[]): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: true, strict: true }) as ParsedArgs;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(oneLine((error as Error).message));
    }
    throw error;
  }
  if (parsed.positionals.length > positionals.length) {
    const extra = parsed.positionals[positionals.length];
    throw new UsageError(`unexpected argument "${extra}" (expected: ${positionals.join(' ') || 'no arguments'})`);
  }
  positionals.forEach((name, i) => {
    if (parsed.positionals[i] === undefined) throw new UsageError(`missing argument <${name}>`);
  });
  return parsed;
}

/** node's messages can span lines ("To specify a positional argument…"): keep the first. */
function oneLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/** The value of a required string option. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`missing option --${name}`);
  return value;
}

/** A whole number option within bounds. */
export function wholeNumber(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/u.test(value) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${String(value)}"`);
  }
  return n;
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new UsageError(`${name} must be one of ${allowed.join(', ')}, got "${String(value)}"`);
  return found;
}
