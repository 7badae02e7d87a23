import { ValidationError } from '../../shared/validation.js';

// GB 32100-2015 统一社会信用代码: 18 characters from a 31-character set (0-9 and capitals without I, O, S, V, Z).
// Character i (1-based, i ≤ 17) has weight 3^(i-1) mod 31; the 18th is the character of value
// (31 - Σ value·weight mod 31) mod 31.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = Array.from({ length: 17 }, (_, i) => {
  let w = 1;
  for (let k = 0; k < i; k++) w = (w * 3) % 31;
  return w;
});

/** The GB 32100-2015 check character for the first 17 characters of a unified social credit code. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new ValidationError('creditCode', 'needs exactly 17 characters to compute a check');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17.charAt(i));
    if (value < 0) throw new ValidationError('creditCode', `character "${first17.charAt(i)}" is not in the code set`);
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/**
 * Validates an 18-character unified social credit code (GB 32100-2015): length, character set and check character.
 * Lower-case letters are accepted and returned upper-case. Throws ValidationError(field, rule).
 */
export function parseCreditCode(input: string, field = 'creditCode'): string {
  const code = input.toUpperCase();
  if (code.length !== 18) {
    throw new ValidationError(
      field,
      `must be 18 characters (GB 32100-2015 unified social credit code), got ${code.length}`,
    );
  }
  for (let i = 0; i < 18; i++) {
    const ch = code.charAt(i);
    if (!CHARSET.includes(ch)) {
      throw new ValidationError(
        field,
        `character "${ch}" at position ${i + 1} is not allowed: use 0-9 and A-H, J-N, P-R, T, U, W-Y (no I, O, S, V, Z)`,
      );
    }
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code.charAt(17) !== expected) {
    throw new ValidationError(field, `check character must be "${expected}" (GB 32100-2015), got "${code.charAt(17)}"`);
  }
  return code;
}

/** Whether `input` is a valid unified social credit code (upper-case). */
export function isCreditCode(input: string): boolean {
  try {
    return parseCreditCode(input) === input;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
}
