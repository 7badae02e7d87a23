import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { binaryFrames } from '../../edge/video/relay/ws-frame.js';

/** ws's frame parser (exported by ws, not declared by @types/ws). */
interface FrameReceiver {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (err: Error) => void): void;
  write(chunk: Buffer): boolean;
}
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean; maxPayload: number }) => FrameReceiver;
};

/** Byte equality (vitest's deep equality walks 64 KiB arrays element by element: too slow for a property). */
function same(a: Buffer[], b: Buffer[]): boolean {
  return a.length === b.length && a.every((x, i) => x.equals(b[i] as Buffer));
}

/** Parses server-to-client frames with ws's own client-side receiver (the browser's role). */
function receive(bytes: Buffer, splitAt: number[]): Buffer[] {
  const got: Buffer[] = [];
  const receiver = new Receiver({ isServer: false, maxPayload: 0 });
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    got.push(isBinary ? Buffer.from(data) : Buffer.from('text frame'));
  });
  receiver.on('error', (err: Error) => {
    throw err;
  });
  let from = 0;
  for (const at of [...splitAt.filter((s) => s < bytes.length).sort((a, b) => a - b), bytes.length]) {
    receiver.write(bytes.subarray(from, at));
    from = at;
  }
  return got;
}

// Payload sizes on both sides of the 7-bit, 16-bit and 64-bit length encodings.
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 130 }),
  fc.integer({ min: 65_530, max: 65_540 }).map((n) => new Uint8Array(n).fill(7)),
  fc.uint8Array({ minLength: 126, maxLength: 3000 }),
);

describe('media framed once for every viewer (relay/ws-frame)', () => {
  it('a batch is whole binary frames a WebSocket client reads back as the same payloads, however TCP splits it', () => {
    fc.assert(
      fc.property(
        fc.array(payload, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (arrays, cuts) => {
          const payloads = arrays.map((a) => Buffer.from(a));
          const { data } = binaryFrames(payloads);
          const total = data.length;
          expect(
            same(
              receive(
                data,
                cuts.map((c) => c % (total + 1)),
              ),
              payloads,
            ),
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a batch sent from any chunk offset on is still whole frames (a viewer resuming at a keyframe)', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 5 }), fc.nat(), (arrays, pick) => {
        const payloads = arrays.map((a) => Buffer.from(a));
        const { data, offsets } = binaryFrames(payloads);
        const i = pick % payloads.length;
        expect(same(receive(data.subarray(offsets[i]), []), payloads.slice(i))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
