import { createHash } from 'node:crypto';
import { desc, sql } from 'drizzle-orm';
import type { CentralDb } from '../db/open.js';
import { auditLog } from '../db/schema.js';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  detail?: unknown;
  ip?: string | null;
}

const GENESIS = '0'.repeat(64);

/**
 * Appends to central's audit log: each row's hash covers the previous row's hash and its own content, so an edited
 * or deleted row breaks the chain (verifyAudit). Appends are serialised by an advisory lock.
 */
export async function appendAudit(db: CentralDb, entry: AuditEntry): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7311200526)`);
    const prev = (await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]?.hash;
    const prevHash = prev ?? GENESIS;
    const at = new Date();
    const body = JSON.stringify([
      prevHash,
      at.toISOString(),
      entry.actor,
      entry.action,
      entry.target ?? null,
      entry.detail ?? null,
    ]);
    const hash = createHash('sha256').update(body).digest('hex');
    await tx.insert(auditLog).values({
      at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      detail: entry.detail ?? null,
      ip: entry.ip ?? null,
      prevHash,
      hash,
    });
  });
}

/** Re-computes the chain; returns the id of the first broken row, or null when intact. */
export async function verifyAudit(db: CentralDb): Promise<number | null> {
  const rows = await db.select().from(auditLog).orderBy(auditLog.id);
  let prev = GENESIS;
  for (const r of rows) {
    const body = JSON.stringify([prev, r.at.toISOString(), r.actor, r.action, r.target, r.detail ?? null]);
    if (r.prevHash !== prev || createHash('sha256').update(body).digest('hex') !== r.hash) return r.id;
    prev = r.hash;
  }
  return null;
}
