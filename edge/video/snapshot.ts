import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { spawnFfmpeg } from './relay/ffmpeg-process.js';

export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

interface Credentials {
  username: string;
  password: string;
}

/** Checks that the bytes are a decodable JPEG or PNG (cameras answer login pages with status 200). */
export async function checkImage(buf: Buffer): Promise<'jpeg' | 'png'> {
  try {
    // sharp (libvips, ~25 MiB resident) loads on the first snapshot, not with the appliance.
    const { default: sharp } = await import('sharp');
    const meta = await sharp(buf, { limitInputPixels: 50_000_000 }).metadata();
    if ((meta.format === 'jpeg' || meta.format === 'png') && meta.width && meta.height) return meta.format;
    throw new SnapshotError(`snapshot is ${meta.format ?? 'unknown'}, not a JPEG or PNG`);
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(
      `snapshot is not an image (${buf
        .subarray(0, 16)
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '.')})`,
    );
  }
}

function get(
  url: URL,
  headers: Record<string, string>,
  o: { timeoutMs: number; maxBytes: number },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > o.maxBytes) {
          req.destroy();
          reject(new SnapshotError(`snapshot larger than ${o.maxBytes} bytes`));
        } else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (e) => reject(new SnapshotError(e.message)));
    });
    req.setTimeout(o.timeoutMs, () => req.destroy(new SnapshotError(`snapshot: no answer within ${o.timeoutMs} ms`)));
    req.on('error', (e) => reject(e instanceof SnapshotError ? e : new SnapshotError(`snapshot: ${e.message}`)));
    req.end();
  });
}

function digestHeader(challenge: string, method: string, url: URL, c: Credentials): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1];
  const realm = param('realm') ?? '';
  const nonce = param('nonce') ?? '';
  const qop = param('qop')?.split(',')[0]?.trim();
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const uri = url.pathname + url.search;
  const ha1 = md5(`${c.username}:${realm}:${c.password}`);
  const ha2 = md5(`${method}:${uri}`);
  const cnonce = createHash('md5').update(String(Math.random())).digest('hex').slice(0, 16);
  const response = qop ? md5(`${ha1}:${nonce}:00000001:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
  return (
    `Digest username="${c.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}"` +
    (qop ? `, qop=${qop}, nc=00000001, cnonce="${cnonce}"` : '')
  );
}

/** GETs a camera snapshot URI (Basic, then Digest on challenge) and checks it is an image. */
export async function fetchSnapshot(
  uri: string,
  credentials: Credentials | undefined,
  o: { timeoutMs: number; maxBytes: number },
): Promise<Buffer> {
  const url = new URL(uri);
  const basic: Record<string, string> = credentials
    ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
    : {};
  let res = await get(url, basic, o);
  const challenge = res.headers['www-authenticate'];
  const digest = (Array.isArray(challenge) ? challenge : [challenge]).find((h) => h?.startsWith('Digest'));
  if (res.status === 401 && credentials && digest)
    res = await get(url, { authorization: digestHeader(digest, 'GET', url, credentials) }, o);
  if (res.status !== 200) throw new SnapshotError(`snapshot: HTTP ${res.status}`);
  await checkImage(res.body);
  return res.body;
}

/** One JPEG frame from the RTSP stream (for cameras without a snapshot URI, or when it fails). */
export async function grabFrame(
  ffmpegPath: string,
  rtspUrl: string,
  timeoutMs: number,
  maxBytes: number,
): Promise<Buffer> {
  const proc = spawnFfmpeg(ffmpegPath, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-rtsp_transport',
    'tcp',
    '-timeout',
    String(timeoutMs * 1000),
    '-i',
    rtspUrl,
    '-an',
    '-frames:v',
    '1',
    '-q:v',
    '3',
    '-f',
    'image2pipe',
    '-c:v',
    'mjpeg',
    'pipe:1',
  ]);
  const chunks: Buffer[] = [];
  let size = 0;
  let stderr = '';
  proc.child.stdout.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= maxBytes) chunks.push(c);
  });
  proc.child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString('utf8')).slice(-500);
  });
  const timer = setTimeout(() => void proc.stop(500), timeoutMs);
  const code = await proc.exited;
  clearTimeout(timer);
  await proc.stop(0);
  if (code !== 0 || size === 0)
    throw new SnapshotError(`frame grab failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
  if (size > maxBytes) throw new SnapshotError(`frame larger than ${maxBytes} bytes`);
  const jpeg = Buffer.concat(chunks);
  await checkImage(jpeg);
  return jpeg;
}
