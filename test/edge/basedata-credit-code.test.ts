import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditCodeCheckChar, isCreditCode, parseCreditCode } from '../../edge/basedata/index.js';
import { knownCreditCodes } from '../fixtures/basedata/fixtures.js';

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const first17 = fc.string({ unit: fc.constantFrom(...CHARSET), minLength: 17, maxLength: 17 });

describe('GB 32100-2015 unified social credit codes', () => {
  it.each(knownCreditCodes)('accepts the real code %s', (code) => {
    expect(parseCreditCode(code)).toBe(code);
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('accepts lower case and returns upper case', () => {
    expect(parseCreditCode('91350100m000100y43')).toBe('91350100M000100Y43');
  });

  it('names the expected check character when it is wrong', () => {
    expect(() => parseCreditCode('91350100M000100Y44')).toThrow(
      expect.objectContaining({ rule: 'check character must be "3" (GB 32100-2015), got "4"' }),
    );
  });

  it('refuses letters outside the code set (I, O, S, V, Z) with their position', () => {
    expect(() => parseCreditCode('91350100M0001O0Y43')).toThrow(
      expect.objectContaining({ rule: expect.stringMatching(/^character "O" at position 14 is not allowed/) }),
    );
  });

  it('refuses codes that are not 18 characters long', () => {
    expect(() => parseCreditCode('91350100M000100Y4')).toThrow(
      expect.objectContaining({ rule: expect.stringMatching(/must be 18 characters.*got 17/) }),
    );
  });

  it('a computed check character always validates (property)', () => {
    fc.assert(
      fc.property(first17, (body) => isCreditCode(body + creditCodeCheckChar(body))),
      { numRuns: 500 },
    );
  });

  it('catches every single-character substitution (property: weights are units mod 31)', () => {
    fc.assert(
      fc.property(first17, fc.nat(17), fc.nat(30), (body, position, shift) => {
        const code = body + creditCodeCheckChar(body);
        const old = CHARSET.indexOf(code.charAt(position));
        const replacement = CHARSET.charAt((old + 1 + (shift % 30)) % 31);
        const altered = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(isCreditCode(altered)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
