import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { EdgeDb } from '../db/open.js';
import { blobs } from '../db/schema.js';
import { DomainError } from '../errors.js';

export type BlobRole = 'original' | 'published' | 'snapshot';

/** A blob whose file is durable but whose row is not written yet (see `BlobStore.stage`). */
export interface StagedBlob {
  sha256: string;
  size: number;
}

export interface BlobMeta {
  mime: string;
  width?: number;
  height?: number;
  role: BlobRole;
}

export interface BlobStoreDeps {
  /** Root of the store; bytes live in `<dir>/<first 2 hex>/<sha256>`. */
  dir: string;
  db: EdgeDb;
  now?: () => Date;
}

const blobMetaSchema = z.strictObject({
  mime: z.string().min(1).max(100),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  role: z.enum(['original', 'published', 'snapshot']),
});

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Content-addressed blob store: files named by their SHA-256 plus one `blobs` row each.
 *
 * Everything is synchronous on purpose: `put()` may run inside a caller's better-sqlite3 transaction (the report, its
 * events and its blob rows commit together), and better-sqlite3 transactions cannot span an `await`. The file is
 * made durable before the row is inserted, so a committed row always has its file; a rolled-back transaction leaves
 * at worst an unreferenced file, which the next put() of the same bytes reuses.
 */
export class BlobStore {
  constructor(private readonly deps: BlobStoreDeps) {}

  /** Stores `bytes` (atomically, idempotently) and records its row; the same bytes always give the same hash. */
  put(bytes: Buffer, meta: BlobMeta): { sha256: string; size: number } {
    parseMeta(meta); // bad metadata writes nothing, not even the file
    const sha256 = sha256Hex(bytes);
    const file = this.pathOf(sha256);
    if (!this.fileMatches(file, sha256)) writeAtomically(file, bytes);
    return this.record({ sha256, size: bytes.length }, meta);
  }

  /**
   * Makes the file durable off the event loop (libuv's thread pool does the writes and fsyncs), before the
   * transaction that records it: the request path then holds the main thread only for the row insert. Idempotent.
   */
  async stage(bytes: Buffer): Promise<StagedBlob> {
    const sha256 = sha256Hex(bytes);
    const file = this.pathOf(sha256);
    const existing = await readFile(file).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!existing || sha256Hex(existing) !== sha256) await writeAtomicallyAsync(file, bytes);
    return { sha256, size: bytes.length };
  }

  /** Records the row of a staged blob (synchronous: call it inside the transaction of the change that uses it). */
  record(staged: StagedBlob, meta: BlobMeta): { sha256: string; size: number } {
    const m = parseMeta(meta);
    // A row never exists without its file: the stage step must have completed (it is cheap to check, not to redo).
    if (!statSync(this.pathOf(staged.sha256), { throwIfNoEntry: false })?.isFile()) {
      throw new Error(`blob store: ${staged.sha256} was not staged`);
    }
    this.deps.db
      .insert(blobs)
      .values({
        sha256: staged.sha256,
        size: staged.size,
        mime: m.mime,
        width: m.width ?? null,
        height: m.height ?? null,
        role: m.role,
        createdAt: (this.deps.now?.() ?? new Date()).toISOString(),
      })
      .onConflictDoNothing()
      .run();
    return { sha256: staged.sha256, size: staged.size };
  }

  /** Stores bytes received from a peer under the hash it announced; refuses bytes that do not hash to it. */
  putVerified(sha256: string, bytes: Buffer, meta: BlobMeta): { sha256: string; size: number } {
    this.pathOf(sha256); // validates the announced hash before hashing megabytes
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new DomainError('invalid', `blob: content hashes to ${actual}, not the announced ${sha256}`, 'sha256');
    }
    return this.put(bytes, meta);
  }

  /** The stored bytes, or undefined when the file is absent. Does not re-hash (see verify). */
  get(sha256: string): Buffer | undefined {
    try {
      return readFileSync(this.pathOf(sha256));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * Removes a staged file that no row records (its change was refused after the file was made durable). A file some
   * row records is kept: the same bytes were stored before.
   */
  async discardStaged(staged: StagedBlob): Promise<void> {
    const row = this.deps.db.select({ sha256: blobs.sha256 }).from(blobs).where(eq(blobs.sha256, staged.sha256)).get();
    if (row) return;
    await unlink(this.pathOf(staged.sha256)).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  /** True when both the row and the file exist. */
  has(sha256: string): boolean {
    const file = this.pathOf(sha256);
    const row = this.deps.db.select({ sha256: blobs.sha256 }).from(blobs).where(eq(blobs.sha256, sha256)).get();
    return row !== undefined && (statSync(file, { throwIfNoEntry: false })?.isFile() ?? false);
  }

  /** Re-hashes the file: false when it is missing or its content no longer matches its name (bit rot, tampering). */
  verify(sha256: string): boolean {
    return this.fileMatches(this.pathOf(sha256), sha256);
  }

  /** The file path for a hash; refuses anything but 64 lowercase hex digits (no path tricks reach the filesystem). */
  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new DomainError('invalid', 'blob: not a lowercase hex SHA-256', 'sha256');
    return join(this.deps.dir, sha256.slice(0, 2), sha256);
  }

  private fileMatches(file: string, sha256: string): boolean {
    try {
      return sha256Hex(readFileSync(file)) === sha256;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }
}

function parseMeta(meta: BlobMeta): z.output<typeof blobMetaSchema> {
  const m = blobMetaSchema.safeParse(meta);
  if (!m.success) throw new DomainError('invalid', `blob: bad metadata (${m.error.issues[0]?.message ?? ''})`);
  return m.data;
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Write to a temp file in the target directory, fsync it, rename over the target, fsync the directory: a reader
 * (or a power cut) sees either no file or the complete one, never a prefix.
 */
function writeAtomically(file: string, bytes: Buffer): void {
  const shard = join(file, '..');
  const created = mkdirSync(shard, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    removeQuietly(temp);
    throw err;
  }
  fsyncDir(shard);
  // A freshly created shard directory is itself an entry in the store root, which must be made durable too.
  if (created !== undefined) fsyncDir(join(shard, '..'));
}

/** `writeAtomically` on the thread pool: temp file, fsync, rename, fsync of the directory (and a new shard's parent). */
async function writeAtomicallyAsync(file: string, bytes: Buffer): Promise<void> {
  const shard = join(file, '..');
  const created = await mkdir(shard, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await fsyncDirAsync(shard);
  if (created !== undefined) await fsyncDirAsync(join(shard, '..'));
}

async function fsyncDirAsync(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Cleanup after a failed write; a temp file that cannot be removed is harmless (never read), the write error wins. */
function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch (err) {
    if (!isNotFound(err)) process.emitWarning(`blob store: could not remove temp file ${file}: ${String(err)}`);
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT';
}
