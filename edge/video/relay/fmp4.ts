/** A fragment of a fragmented MP4 stream: `moof` + `mdat` (and a `prft` or `styp` before them, if any). */
export interface Fragment {
  data: Buffer;
  /** The fragment's first sample is a sync sample (a viewer may start here). */
  keyframe: boolean;
  /** tfdt baseMediaDecodeTime of the first track, in the track's timescale. */
  decodeTime: number;
}

export interface InitSegment {
  data: Buffer;
  /** RFC 6381 codec string from the avcC box, e.g. `avc1.42c01e`; undefined for other codecs. */
  codec: string | undefined;
  timescale: number;
}

const MAX_BOX = 64 * 1024 * 1024;

/**
 * Splits ffmpeg's fMP4 output (`-movflags empty_moov+default_base_moof+frag_keyframe`) into the init segment
 * (`ftyp`+`moov`) and self-contained fragments, reading sync-sample flags so viewers can start at a keyframe.
 * Bounded: a box larger than 64 MiB is an error (a broken stream), never an unbounded buffer.
 */
export class Fmp4Splitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private head: Buffer[] = []; // boxes collected for the current init segment or fragment
  private init: Buffer[] = [];
  private moof: Buffer | null = null;

  constructor(
    private readonly on: {
      init(segment: InitSegment): void;
      fragment(fragment: Fragment): void;
    },
  ) {}

  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    let buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    let offset = 0;
    while (buf.length - offset >= 8) {
      let size = buf.readUInt32BE(offset);
      let headerSize = 8;
      if (size === 1) {
        if (buf.length - offset < 16) break;
        size = Number(buf.readBigUInt64BE(offset + 8));
        headerSize = 16;
      }
      if (size < headerSize || size > MAX_BOX) throw new Error(`bad MP4 box size ${size}`);
      if (buf.length - offset < size) break;
      this.box(buf.toString('latin1', offset + 4, offset + 8), buf.subarray(offset, offset + size));
      offset += size;
    }
    buf = buf.subarray(offset);
    this.pending = buf.length ? [Buffer.from(buf)] : [];
    this.pendingBytes = buf.length;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  private box(type: string, data: Buffer): void {
    switch (type) {
      case 'ftyp':
        this.init = [data];
        return;
      case 'moov': {
        this.init.push(data);
        const segment = Buffer.concat(this.init);
        this.init = [];
        this.on.init({ data: segment, codec: avcCodec(data), timescale: mdhdTimescale(data) ?? 90_000 });
        return;
      }
      case 'moof':
        this.moof = data;
        return;
      case 'mdat': {
        if (!this.moof) return; // mdat without moof: not a fragment we can place
        const moof = this.moof;
        const info = moofInfo(moof);
        this.on.fragment({ data: Buffer.concat([...this.head, moof, data]), ...info });
        this.moof = null;
        this.head = [];
        return;
      }
      case 'prft':
      case 'styp':
        this.head.push(data);
        return;
      default:
        return; // sidx, mfra, free...: not needed by MSE
    }
  }
}

/** Finds a child box inside a container box's payload; returns [start, end) of the child box. */
function findBox(buf: Buffer, start: number, end: number, type: string): [number, number] | undefined {
  let o = start;
  while (o + 8 <= end) {
    const size = buf.readUInt32BE(o);
    if (size < 8 || o + size > end) return undefined;
    if (buf.toString('latin1', o + 4, o + 8) === type) return [o, o + size];
    o += size;
  }
  return undefined;
}

function path(buf: Buffer, types: string[]): [number, number] | undefined {
  let range: [number, number] = [0, buf.length];
  for (const [i, t] of types.entries()) {
    const inner = i === 0 ? range : [range[0] + 8, range[1]];
    const found = findBox(buf, inner[0] as number, inner[1] as number, t);
    if (!found) return undefined;
    range = found;
  }
  return range;
}

function avcCodec(moov: Buffer): string | undefined {
  const i = moov.indexOf('avcC', 0, 'latin1');
  if (i < 0 || i + 8 > moov.length) return undefined;
  const hex = (n: number) => (moov[n] ?? 0).toString(16).padStart(2, '0');
  return `avc1.${hex(i + 5)}${hex(i + 6)}${hex(i + 7)}`;
}

function mdhdTimescale(moov: Buffer): number | undefined {
  const i = moov.indexOf('mdhd', 0, 'latin1');
  if (i < 0) return undefined;
  const version = moov[i + 4];
  const at = version === 1 ? i + 4 + 4 + 16 : i + 4 + 4 + 8;
  return at + 4 <= moov.length ? moov.readUInt32BE(at) : undefined;
}

/** Sync flag of the first sample (trun first_sample_flags, per-sample flags, or tfhd default) and tfdt. */
function moofInfo(moof: Buffer): { keyframe: boolean; decodeTime: number } {
  const traf = path(moof, ['moof', 'traf']);
  if (!traf) return { keyframe: false, decodeTime: 0 };
  let decodeTime = 0;
  const tfdt = findBox(moof, traf[0] + 8, traf[1], 'tfdt');
  if (tfdt) {
    const v = moof[tfdt[0] + 8];
    decodeTime = v === 1 ? Number(moof.readBigUInt64BE(tfdt[0] + 12)) : moof.readUInt32BE(tfdt[0] + 12);
  }
  let defaultFlags: number | undefined;
  const tfhd = findBox(moof, traf[0] + 8, traf[1], 'tfhd');
  if (tfhd) {
    const flags = moof.readUInt32BE(tfhd[0] + 8) & 0xffffff;
    let o = tfhd[0] + 16; // after version/flags and track_ID
    if (flags & 0x1) o += 8;
    if (flags & 0x2) o += 4;
    if (flags & 0x8) o += 4;
    if (flags & 0x10) o += 4;
    if (flags & 0x20) defaultFlags = moof.readUInt32BE(o);
  }
  const trun = findBox(moof, traf[0] + 8, traf[1], 'trun');
  let sampleFlags = defaultFlags;
  if (trun) {
    const flags = moof.readUInt32BE(trun[0] + 8) & 0xffffff;
    let o = trun[0] + 16; // version/flags + sample_count
    if (flags & 0x1) o += 4; // data_offset
    if (flags & 0x4) sampleFlags = moof.readUInt32BE(o);
    else if (flags & 0x400) {
      // first sample's own flags: skip duration and size when present
      let s = o;
      if (flags & 0x100) s += 4;
      if (flags & 0x200) s += 4;
      sampleFlags = moof.readUInt32BE(s);
    }
  }
  // sample_is_non_sync_sample is bit 16; depends_on == 2 (bits 24-25) also marks an I-frame.
  const keyframe = sampleFlags === undefined ? false : ((sampleFlags >> 16) & 1) === 0;
  return { keyframe, decodeTime };
}
