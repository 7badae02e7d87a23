import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Role } from '../../shared/case/roles.js';
import { roleSchema } from '../../shared/case/roles.js';
import { newId } from '../../shared/identity/ids.js';
import { parseOrThrow, ValidationError } from '../../shared/validation.js';
import { appendAudit } from '../audit/audit-log.js';
import type { EdgeDb } from '../db/open.js';
import { apiTokens, sessions, users } from '../db/schema.js';
import { DomainError } from '../errors.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** Who is calling: resolved from a session cookie or a bearer token. */
export interface Principal {
  userId: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  via: 'session' | 'token';
  csrfToken: string | null;
}

export const newUserSchema = z.strictObject({
  username: z.string().regex(/^[a-z0-9_.-]{3,32}$/, { error: 'must be 3–32 characters of a-z 0-9 _ . -' }),
  displayName: z.string().trim().min(1, { error: 'is required' }).max(50, { error: 'at most 50 characters' }),
  role: roleSchema.refine((r) => r !== 'system', { error: 'system is reserved for automatic steps' }),
  departmentId: z.string().min(1).max(100).nullable().default(null),
  password: z.string().min(8, { error: 'must be at least 8 characters' }).max(200, { error: 'at most 200 characters' }),
});

export interface AuthDeps {
  db: EdgeDb;
  sessionHours: number;
  loginMaxAttempts: number;
  loginWindowSeconds: number;
  now: () => number;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const token = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

/** Users, password logins with a rate limit, browser sessions (cookie + CSRF token) and bearer tokens. */
export class AuthService {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly deps: AuthDeps) {}

  async createUser(input: unknown, by: { userId: string; role: Role } = { userId: 'system', role: 'system' }) {
    const u = parseOrThrow(newUserSchema, input, 'user');
    if (u.role === 'handler' && !u.departmentId)
      throw new ValidationError('user.departmentId', 'a department handler needs a department');
    const exists = this.deps.db.select({ id: users.id }).from(users).where(eq(users.username, u.username)).get();
    if (exists) throw new DomainError('conflict', `user.username: ${u.username} already exists`, 'user.username');
    const passwordHash = await hashPassword(u.password);
    const row = {
      id: newId(),
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      departmentId: u.departmentId,
      passwordHash,
      disabled: 0,
      createdAt: this.iso(),
    };
    this.deps.db.$client.transaction(() => {
      this.deps.db.insert(users).values(row).run();
      appendAudit(this.deps.db, {
        at: row.createdAt,
        actorId: by.userId,
        actorRole: by.role,
        action: 'user.create',
        target: row.id,
        detail: { username: u.username, role: u.role },
        ip: null,
      });
    })();
    return { id: row.id, username: row.username, role: row.role, departmentId: row.departmentId };
  }

  /** Checks the password; too many failures for one username or one address within the window → 429. */
  async login(
    username: string,
    password: string,
    ip: string,
  ): Promise<{ sessionToken: string; csrfToken: string; principal: Principal }> {
    const keys = [`u:${username}`, `ip:${ip}`];
    if (keys.some((k) => this.recentFailures(k) >= this.deps.loginMaxAttempts)) {
      throw new DomainError('rate_limited', `too many failed logins; try again in ${this.deps.loginWindowSeconds} s`);
    }
    // Count the attempt before the (slow) hash check: parallel guesses must not all slip past the limit.
    const attempt = this.deps.now();
    for (const k of keys) this.fail(k, attempt);
    const user = this.deps.db.select().from(users).where(eq(users.username, username)).get();
    // Verify against a dummy hash for unknown users so timing does not reveal which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      appendAudit(this.deps.db, {
        at: this.iso(),
        actorId: user?.id ?? `unknown:${username.slice(0, 32)}`,
        actorRole: user?.role ?? 'none',
        action: 'auth.login_failed',
        target: null,
        detail: {},
        ip,
      });
      throw new DomainError('unauthenticated', 'wrong username or password');
    }
    for (const k of keys) this.forgive(k);
    const sessionToken = token('ws');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(this.deps.now() + this.deps.sessionHours * 3_600_000).toISOString();
    this.deps.db.$client.transaction(() => {
      this.deps.db
        .insert(sessions)
        .values({ tokenHash: sha256(sessionToken), userId: user.id, csrfToken, createdAt: this.iso(), expiresAt })
        .run();
      appendAudit(this.deps.db, {
        at: this.iso(),
        actorId: user.id,
        actorRole: user.role,
        action: 'auth.login',
        target: null,
        detail: {},
        ip,
      });
    })();
    return { sessionToken, csrfToken, principal: toPrincipal(user, 'session', csrfToken) };
  }

  logout(sessionToken: string): void {
    this.deps.db
      .delete(sessions)
      .where(eq(sessions.tokenHash, sha256(sessionToken)))
      .run();
  }

  sessionPrincipal(sessionToken: string): Principal | undefined {
    const row = this.deps.db
      .select({ user: users, csrf: sessions.csrfToken })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, sha256(sessionToken)), gt(sessions.expiresAt, this.iso())))
      .get();
    if (!row || row.user.disabled) return undefined;
    return toPrincipal(row.user, 'session', row.csrf);
  }

  userExists(id: string): boolean {
    return this.deps.db.select({ id: users.id }).from(users).where(eq(users.id, id)).get() !== undefined;
  }

  /** Issues a bearer token for a handset or integration; the token is shown once and stored hashed. */
  issueToken(
    userId: string,
    label: string,
    by: { userId: string; role: string } = { userId: 'system', role: 'system' },
  ): string {
    const t = token('wt');
    this.deps.db.$client.transaction(() => {
      this.deps.db
        .insert(apiTokens)
        .values({ id: newId(), tokenHash: sha256(t), userId, label, createdAt: this.iso() })
        .run();
      appendAudit(this.deps.db, {
        at: this.iso(),
        actorId: by.userId,
        actorRole: by.role,
        action: 'token.issue',
        target: userId,
        detail: { label },
        ip: null,
      });
    })();
    return t;
  }

  /** Revokes every bearer token of a user (a lost handset); returns how many were live. */
  revokeTokens(userId: string, by: { userId: string; role: string }): number {
    return this.deps.db.$client.transaction(() => {
      const revoked = this.deps.db
        .update(apiTokens)
        .set({ revokedAt: this.iso() })
        .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
        .run().changes;
      appendAudit(this.deps.db, {
        at: this.iso(),
        actorId: by.userId,
        actorRole: by.role,
        action: 'token.revoke',
        target: userId,
        detail: { revoked },
        ip: null,
      });
      return revoked;
    })();
  }

  tokenPrincipal(bearer: string): Principal | undefined {
    const row = this.deps.db
      .select({ user: users })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(eq(apiTokens.tokenHash, sha256(bearer)), isNull(apiTokens.revokedAt)))
      .get();
    if (!row || row.user.disabled) return undefined;
    return toPrincipal(row.user, 'token', null);
  }

  private recentFailures(key: string): number {
    const since = this.deps.now() - this.deps.loginWindowSeconds * 1000;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list.length;
  }

  private fail(key: string, at: number): void {
    // Bounded: when an attacker sprays keys, the oldest keys go first (Map keeps insertion order); lockouts stay.
    if (this.failures.size >= 50_000) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    const list = this.failures.get(key) ?? [];
    this.failures.delete(key);
    this.failures.set(key, [...list, at]);
  }

  /** A successful login takes back its own attempt (and clears the key's earlier failures). */
  private forgive(key: string): void {
    this.failures.delete(key);
  }

  private iso(): string {
    return new Date(this.deps.now()).toISOString();
  }
}

const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function toPrincipal(u: typeof users.$inferSelect, via: Principal['via'], csrfToken: string | null): Principal {
  return {
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    role: roleSchema.parse(u.role),
    departmentId: u.departmentId,
    via,
    csrfToken,
  };
}
