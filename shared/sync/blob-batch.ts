import { type BlobBatchHeaderV1, blobBatchHeaderV1 } from './messages.js';

/** Encodes a blob batch body (shared/sync/messages.ts `blobBatchHeaderV1`): length, header JSON, bytes. */
export function encodeBlobBatch(blobs: readonly { sha256: string; mime: string; bytes: Buffer }[]): Buffer {
  const header: BlobBatchHeaderV1 = {
    v: 1,
    blobs: blobs.map((b) => ({ sha256: b.sha256, mime: b.mime, size: b.bytes.length })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([length, json, ...blobs.map((b) => b.bytes)]);
}

/**
 * Decodes a blob batch body; returns the first problem as `field: rule` instead of throwing. The hashes are not
 * checked here (the receiver verifies each blob's bytes against its announced sha256).
 */
export function decodeBlobBatch(
  body: Buffer,
):
  | { ok: true; blobs: { sha256: string; mime: string; bytes: Buffer }[] }
  | { ok: false; field: string; error: string } {
  if (body.length < 4) return { ok: false, field: 'body', error: 'too short for a blob batch' };
  const length = body.readUInt32BE(0);
  if (length > 256 * 1024 || 4 + length > body.length)
    return { ok: false, field: 'body', error: 'header length out of range' };
  let raw: unknown;
  try {
    raw = JSON.parse(body.subarray(4, 4 + length).toString('utf8'));
  } catch {
    return { ok: false, field: 'header', error: 'not valid JSON' };
  }
  const parsed = blobBatchHeaderV1.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, field: ['header', ...(issue?.path ?? [])].join('.'), error: issue?.message ?? 'invalid' };
  }
  const total = parsed.data.blobs.reduce((n, b) => n + b.size, 0);
  if (4 + length + total !== body.length)
    return {
      ok: false,
      field: 'body',
      error: `holds ${body.length - 4 - length} bytes of blobs, the header says ${total}`,
    };
  let at = 4 + length;
  const blobs = parsed.data.blobs.map((b) => {
    const bytes = body.subarray(at, at + b.size);
    at += b.size;
    return { sha256: b.sha256, mime: b.mime, bytes };
  });
  return { ok: true, blobs };
}
