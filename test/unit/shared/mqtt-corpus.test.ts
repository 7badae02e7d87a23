import { describe, expect, it } from 'vitest';
import { createTopicDecoder, resolveDecodeOptions } from '../../../shared/mqtt/index.js';
import { corpusFormats, loadCorpus } from '../../fixtures/gps/corpus.js';
import { verifyDecoded } from '../../fixtures/gps/invariants.js';

const decode = createTopicDecoder();
const defaults = resolveDecodeOptions();

describe.each(corpusFormats)('the %s payload corpus', (format) => {
  const corpus = loadCorpus(format);

  it('holds both accepted and rejected payloads, named by outcome', () => {
    expect(corpus.filter((c) => c.expect.ok).length).toBeGreaterThanOrEqual(5);
    expect(corpus.filter((c) => !c.expect.ok).length).toBeGreaterThanOrEqual(12);
    for (const c of corpus) expect(c.file.startsWith('bad-'), c.file).toBe(!c.expect.ok);
  });

  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    const decoded = decode(c.topic, c.bytes, c.receivedAt);
    expect(decoded, `topic ${c.topic} is a device topic`).toBeDefined();
    const result = decoded?.result;
    if (c.expect.ok) {
      expect(result).toEqual({ ok: true, messages: c.expect.messages });
      if (result?.ok) verifyDecoded(result.messages, c.receivedAt, defaults);
    } else {
      expect(result).toMatchObject({ ok: false, reason: c.expect.reason });
      if (result && !result.ok) expect(result.detail.length).toBeGreaterThan(0);
    }
  });

  it('decodes the same from a string as from bytes', () => {
    for (const c of corpus) {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(c.bytes);
      } catch {
        continue; // payloads that are not UTF-8 have no string form
      }
      expect(decode(c.topic, text, c.receivedAt), c.file).toEqual(decode(c.topic, c.bytes, c.receivedAt));
    }
  });
});

describe('the corpus covers every rejection reason', () => {
  it('each reason appears at least once across the formats', () => {
    const seen = new Set(
      corpusFormats.flatMap((f) => loadCorpus(f)).flatMap((c) => (c.expect.ok ? [] : [c.expect.reason])),
    );
    expect([...seen].sort()).toEqual([
      'far_future',
      'malformed_json',
      'non_finite',
      'out_of_range',
      'oversized',
      'schema',
      'too_old',
      'wrong_type',
    ]);
  });
});
