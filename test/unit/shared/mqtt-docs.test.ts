import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTopicsDoc, topicNames, topics } from '../../../shared/mqtt/index.js';

const committed = readFileSync(new URL('../../../docs/mqtt-topics.md', import.meta.url), 'utf8');

describe('docs/mqtt-topics.md', () => {
  it('is exactly what the topic map generates (run `node --import tsx shared/mqtt/generate-docs.ts`)', () => {
    expect(committed).toBe(renderTopicsDoc());
  });

  it('lists every topic with its example payloads', () => {
    for (const name of topicNames) {
      expect(committed).toContain(`\`${topics[name].pattern}\``);
      for (const e of topics[name].examples) expect(committed).toContain(JSON.stringify(e.payload, null, 2));
    }
  });
});
