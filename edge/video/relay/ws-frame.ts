/**
 * Server-to-client WebSocket framing done once per media chunk (RFC 6455 §5.2: FIN, opcode, no mask, no RSV bits —
 * the relay's server never negotiates permessage-deflate). The relay writes the same framed Buffer to every
 * viewer's socket: one `write` per viewer per chunk, no per-viewer header, copy, cork or writev.
 */

const OPCODE_BINARY = 0x2;

/** Header length for a payload of `n` bytes (unmasked). */
export function frameHeaderLength(n: number): number {
  return n < 126 ? 2 : n < 65_536 ? 4 : 10;
}

/** Writes the frame header for an unmasked, final binary frame of `n` payload bytes at `offset`; returns its length. */
export function writeFrameHeader(target: Buffer, offset: number, n: number): number {
  target[offset] = 0x80 | OPCODE_BINARY;
  if (n < 126) {
    target[offset + 1] = n;
    return 2;
  }
  if (n < 65_536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(n, offset + 2);
    return 4;
  }
  target[offset + 1] = 127;
  target.writeUInt32BE(Math.floor(n / 2 ** 32), offset + 2);
  target.writeUInt32BE(n >>> 0, offset + 6);
  return 10;
}

/**
 * One Buffer holding one complete binary frame per payload, back to back (a batch of media chunks becomes one
 * socket write); `offsets[i]` is where payload i's frame starts, so a viewer can be sent a suffix of the batch
 * (from a keyframe on) that is still whole frames.
 */
export function binaryFrames(payloads: readonly Buffer[]): { data: Buffer; offsets: number[] } {
  let total = 0;
  for (const p of payloads) total += frameHeaderLength(p.length) + p.length;
  const data = Buffer.allocUnsafe(total);
  const offsets: number[] = [];
  let o = 0;
  for (const p of payloads) {
    offsets.push(o);
    o += writeFrameHeader(data, o, p.length);
    o += p.copy(data, o);
  }
  return { data, offsets };
}
