import sharp from 'sharp';
import { parseEdgeConfig } from '../../edge/config/edge-config.js';
import { buildEdge, startEdge } from '../../edge/main.js';
import { type EdgeHarness, insertTestDepartments, insertTestGrid } from './edge-harness.js';

/**
 * Starts the harness's edge with a `console` config section (the base map). Returns the server's stop; call it
 * before `h.stop()`.
 */
export async function startWithConsole(h: EdgeHarness, section: Record<string, unknown>): Promise<() => Promise<void>> {
  const config = parseEdgeConfig({
    version: 1,
    district: { division: '320481', name: '溧阳市' },
    city: { division: '320400', name: '常州市' },
    dataDir: h.dir,
    http: { port: 0 },
    console: section,
  });
  h.node = buildEdge(config, { now: () => h.clock });
  insertTestGrid(h.node);
  insertTestDepartments(h.node);
  h.node.geocoder.reload();
  const { port, stop } = await startEdge(h.node);
  h.base = `http://127.0.0.1:${port}`;
  return stop;
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/**
 * A minimal PMTiles v3 archive (spec: github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): one 256×256 PNG
 * tile at zoom 0 in one colour, uncompressed directory, `{}` metadata. MapLibre overzooms it everywhere, so every
 * base-map pixel has that colour.
 */
export async function solidPmtiles(colour: { r: number; g: number; b: number }): Promise<Buffer> {
  const tile = await sharp({ create: { width: 256, height: 256, channels: 3, background: colour } })
    .png()
    .toBuffer();
  // Root directory: 1 entry; tile id delta 0, run length 1, length, offset + 1.
  const dir = Buffer.from([...varint(1), ...varint(0), ...varint(1), ...varint(tile.length), ...varint(1)]);
  const meta = Buffer.from('{}');
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, 127); // root directory offset
  u64(16, dir.length);
  u64(24, 127 + dir.length); // metadata
  u64(32, meta.length);
  u64(40, 127 + dir.length + meta.length); // leaf directories (none)
  u64(48, 0);
  u64(56, 127 + dir.length + meta.length); // tile data
  u64(64, tile.length);
  u64(72, 1); // addressed tiles
  u64(80, 1); // tile entries
  u64(88, 1); // tile contents
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(2, 99); // tile type: PNG
  header.writeUInt8(0, 100); // min zoom
  header.writeUInt8(0, 101); // max zoom
  header.writeInt32LE(-180e7, 102);
  header.writeInt32LE(-85e7, 106);
  header.writeInt32LE(180e7, 110);
  header.writeInt32LE(85e7, 114);
  header.writeUInt8(0, 118);
  header.writeInt32LE(0, 119);
  header.writeInt32LE(0, 123);
  return Buffer.concat([header, dir, meta, tile]);
}
