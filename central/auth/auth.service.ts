import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Role } from '../../shared/case/roles.js';
import { roleSchema } from '../../shared/case/roles.js';
import { DomainError } from '../../shared/errors.js';
import { newId } from '../../shared/identity/ids.js';
import type { CentralDb } from '../db/open.js';
import { sessions, users } from '../db/schema.js';
import { appendAudit } from './audit.js';

export interface CentralPrincipal {
  userId: string;
  username: string;
  role: Role;
  csrf: string;
  via: 'cookie' | 'bearer';
}

export const newCentralUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.-]{3,40}$/, { error: 'must be 3–40 of a-z 0-9 _ . -' }),
  displayName: z.string().trim().min(1).max(100),
  role: roleSchema.exclude(['system']),
  password: z.string().min(10, { error: 'must be at least 10 characters' }).max(200),
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function checkPassword(password: string, stored: string): boolean {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: 8, p: 1 });
  return timingSafeEqual(actual, expected);
}

/**
 * The city's users and sessions, with the edge's model: roles from shared/case/roles.ts, scrypt password hashes,
 * sessions stored hashed with a CSRF token for cookie use, login attempts limited per username, everything audited.
 */
export class CentralAuth {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly deps: {
      db: CentralDb;
      now: () => number;
      sessionHours?: number;
      loginMaxAttempts?: number;
      loginWindowMs?: number;
    },
  ) {}

  async createUser(input: unknown, by = 'system'): Promise<{ id: string; username: string; role: Role }> {
    const parsed = newCentralUserSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.map(String).join('.') ?? 'body';
      throw new DomainError('invalid', `${field}: ${issue?.message ?? 'invalid'}`, field);
    }
    const u = parsed.data;
    const id = newId();
    const inserted = await this.deps.db
      .insert(users)
      .values({
        id,
        username: u.username,
        displayName: u.displayName,
        role: u.role,
        passwordHash: hashPassword(u.password),
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    if (inserted.length === 0) throw new DomainError('conflict', `username ${u.username} is taken`, 'username');
    await appendAudit(this.deps.db, {
      actor: by,
      action: 'user.create',
      target: id,
      detail: { username: u.username, role: u.role },
    });
    return { id, username: u.username, role: u.role };
  }

  async login(
    username: string,
    password: string,
    ip: string | null,
  ): Promise<{ token: string; csrf: string; principal: CentralPrincipal }> {
    const now = this.deps.now();
    const window = this.deps.loginWindowMs ?? 300_000;
    const recent = (this.attempts.get(username) ?? []).filter((t) => now - t < window);
    recent.push(now);
    this.attempts.set(username, recent);
    if (recent.length > (this.deps.loginMaxAttempts ?? 5))
      throw new DomainError('rate_limited', 'too many login attempts; try again later');
    const user = (await this.deps.db.select().from(users).where(eq(users.username, username)))[0];
    if (!user || user.disabled || !checkPassword(password, user.passwordHash)) {
      await appendAudit(this.deps.db, { actor: username, action: 'auth.login_failed', ip });
      throw new DomainError('unauthenticated', 'wrong username or password');
    }
    this.attempts.delete(username);
    const token = `wcs_${randomBytes(32).toString('base64url')}`;
    const csrf = randomBytes(18).toString('base64url');
    await this.deps.db.insert(sessions).values({
      tokenHash: sha256(token),
      userId: user.id,
      csrf,
      expiresAt: new Date(now + (this.deps.sessionHours ?? 12) * 3_600_000),
    });
    await appendAudit(this.deps.db, { actor: user.id, action: 'auth.login', ip });
    return {
      token,
      csrf,
      principal: { userId: user.id, username: user.username, role: user.role as Role, csrf, via: 'cookie' },
    };
  }

  async resolve(token: string, via: 'cookie' | 'bearer'): Promise<CentralPrincipal | null> {
    const row = (
      await this.deps.db
        .select({
          userId: users.id,
          username: users.username,
          role: users.role,
          csrf: sessions.csrf,
          disabled: users.disabled,
        })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.tokenHash, sha256(token)), gt(sessions.expiresAt, new Date(this.deps.now()))))
    )[0];
    if (!row || row.disabled) return null;
    return { userId: row.userId, username: row.username, role: row.role as Role, csrf: row.csrf, via };
  }

  async logout(token: string): Promise<void> {
    await this.deps.db.delete(sessions).where(eq(sessions.tokenHash, sha256(token)));
  }
}
