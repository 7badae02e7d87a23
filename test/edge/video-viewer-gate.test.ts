import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GateDecision } from '../../edge/video/relay/viewer-gate.js';
import { ViewerGate } from '../../edge/video/relay/viewer-gate.js';

const MAX = 64 * 1024;
const LAG = 1000;

/** One media chunk as the relay sees it: the viewer socket's backlog, whether it is a keyframe, time since last. */
const chunk = fc.record({
  buffered: fc.oneof(fc.integer({ min: 0, max: MAX }), fc.integer({ min: MAX + 1, max: 50 * MAX })),
  keyframe: fc.boolean(),
  dtMs: fc.integer({ min: 0, max: 400 }),
});

function run(keyframes: boolean, chunks: { buffered: number; keyframe: boolean; dtMs: number }[]) {
  const gate = new ViewerGate({ maxBufferedBytes: MAX, lagDropMs: LAG, keyframes });
  let now = 0;
  return chunks.map((c) => {
    now += c.dtMs;
    return { ...c, now, decision: gate.decide(c.buffered, c.keyframe, now) as GateDecision };
  });
}

describe('slow live viewers are skipped ahead or dropped, never buffered', () => {
  it('never sends to a socket holding more than the limit', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(chunk, { maxLength: 200 }), (keyframes, chunks) => {
        for (const step of run(keyframes, chunks)) if (step.buffered > MAX) expect(step.decision).not.toBe('send');
      }),
    );
  });

  it('MSE viewers start, and resume after a skip, only at a keyframe', () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 200 }), (chunks) => {
        let mustBeKey = true;
        for (const step of run(true, chunks)) {
          if (step.decision === 'send') {
            if (mustBeKey) expect(step.keyframe).toBe(true);
            mustBeKey = false;
          } else mustBeKey = true;
        }
      }),
    );
  });

  it('drops exactly when the socket stayed full for longer than the lag limit, and for good', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(chunk, { maxLength: 200 }), (keyframes, chunks) => {
        let lagSince: number | null = null;
        let dropped = false;
        for (const step of run(keyframes, chunks)) {
          if (dropped) {
            expect(step.decision).toBe('drop');
            continue;
          }
          if (step.buffered > MAX) lagSince ??= step.now;
          else lagSince = null;
          const shouldDrop = lagSince !== null && step.now - lagSince > LAG;
          expect(step.decision === 'drop').toBe(shouldDrop);
          dropped = shouldDrop;
        }
      }),
    );
  });

  it('JSMpeg viewers resume at once when the socket drains', () => {
    const steps = run(false, [
      { buffered: MAX * 2, keyframe: false, dtMs: 0 },
      { buffered: 0, keyframe: false, dtMs: 40 },
    ]);
    expect(steps.map((s) => s.decision)).toEqual(['skip', 'send']);
  });
});
