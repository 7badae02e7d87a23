import { createHash } from 'node:crypto';
import { desc } from 'drizzle-orm';
import { canonicalJson } from '../../shared/case/fold.js';
import type { EdgeDb } from '../db/open.js';
import { audit } from '../db/schema.js';

export interface AuditEntry {
  at: string;
  actorId: string;
  actorRole: string;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
}

const GENESIS = '0'.repeat(64);

function rowHash(prevHash: string, e: AuditEntry & { detail: string }): string {
  const body = canonicalJson({
    at: e.at,
    actorId: e.actorId,
    actorRole: e.actorRole,
    action: e.action,
    target: e.target,
    detail: e.detail,
    ip: e.ip,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

/** Appends one row chained to the previous one. Call inside the transaction of the change it records. */
export function appendAudit(db: EdgeDb, entry: AuditEntry): string {
  const last = db.select({ hash: audit.hash }).from(audit).orderBy(desc(audit.seq)).limit(1).get();
  const prevHash = last?.hash ?? GENESIS;
  const row = { ...entry, detail: canonicalJson(entry.detail ?? null) };
  const hash = rowHash(prevHash, row);
  db.insert(audit)
    .values({ ...row, prevHash, hash })
    .run();
  return hash;
}

/** Recomputes the chain; returns the first broken row's seq, or null when the log is intact. */
export function verifyAuditChain(
  db: EdgeDb,
): { ok: true; rows: number } | { ok: false; brokenAt: number; reason: string } {
  let prev = GENESIS;
  let count = 0;
  // Streamed with the raw driver: the log grows without bound and must not be loaded into memory at once.
  const rows = db.$client
    .prepare(
      'SELECT seq, at, actor_id AS actorId, actor_role AS actorRole, action, target, detail, ip, prev_hash AS prevHash, hash FROM audit ORDER BY seq',
    )
    .iterate() as IterableIterator<typeof audit.$inferSelect>;
  for (const r of rows) {
    if (r.prevHash !== prev) return { ok: false, brokenAt: r.seq, reason: 'prev_hash does not match the previous row' };
    if (rowHash(prev, r) !== r.hash)
      return { ok: false, brokenAt: r.seq, reason: 'row content does not match its hash' };
    prev = r.hash;
    count += 1;
  }
  return { ok: true, rows: count };
}
