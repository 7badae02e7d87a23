import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fragment, InitSegment } from '../../edge/video/relay/fmp4.js';
import { Fmp4Splitter } from '../../edge/video/relay/fmp4.js';

/** Two seconds of H.264 (keyframe every 10 frames) as ffmpeg writes it for the relay: fragmented MP4. */
function clip(): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=25', '-t', '2'],
      ...['-c:v', 'libx264', '-profile:v', 'baseline', '-g', '10', '-pix_fmt', 'yuv420p'],
      ...['-f', 'mp4', '-movflags', 'empty_moov+default_base_moof+frag_keyframe', '-frag_duration', '100000', 'pipe:1'],
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

function split(data: Buffer, cuts: number[]): { inits: InitSegment[]; fragments: Fragment[] } {
  const inits: InitSegment[] = [];
  const fragments: Fragment[] = [];
  const s = new Fmp4Splitter({ init: (i) => inits.push(i), fragment: (f) => fragments.push(f) });
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    s.push(data.subarray(at, cut));
    at = cut;
  }
  s.push(data.subarray(at));
  return { inits, fragments };
}

describe('fMP4 splitting for MSE viewers', () => {
  let data: Buffer;
  beforeAll(() => {
    data = clip();
  });

  it('finds the init segment with its codec, and fragments with keyframes where the GOPs start', () => {
    const { inits, fragments } = split(data, []);
    expect(inits).toHaveLength(1);
    expect(inits[0]?.codec).toMatch(/^avc1\.42/);
    expect(fragments.length).toBeGreaterThanOrEqual(20);
    expect(fragments[0]?.keyframe).toBe(true);
    // 50 frames with a keyframe every 10: five fragments start a GOP.
    expect(fragments.filter((f) => f.keyframe)).toHaveLength(5);
    const times = fragments.map((f) => f.decodeTime);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Every byte lands in the init segment or one fragment, but for the closing index (mfra) MSE does not need.
    const used = fragments.reduce((n, f) => n + f.data.length, 0) + (inits[0]?.data.length ?? 0);
    expect(data.subarray(used + 4, used + 8).toString('latin1')).toBe('mfra');
    expect(data.readUInt32BE(used)).toBe(data.length - used);
  });

  it('gives the same segments however the pipe chunks the stream', () => {
    const whole = split(data, []);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: data.length }), { maxLength: 40 }), (cuts) => {
        const parts = split(data, cuts);
        expect(parts.inits.map((i) => i.data)).toEqual(whole.inits.map((i) => i.data));
        expect(parts.fragments.map((f) => [f.keyframe, f.decodeTime, f.data.length])).toEqual(
          whole.fragments.map((f) => [f.keyframe, f.decodeTime, f.data.length]),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('a box with an impossible size is an error, not an unbounded buffer', () => {
    const bad = Buffer.alloc(16);
    bad.writeUInt32BE(4, 0); // smaller than its own header
    bad.write('moof', 4, 'latin1');
    expect(() => split(bad, [])).toThrow(/bad MP4 box size/);
    const huge = Buffer.alloc(8);
    huge.writeUInt32BE(0xffffffff, 0);
    huge.write('mdat', 4, 'latin1');
    expect(() => split(huge, [])).toThrow(/bad MP4 box size/);
  });
});
