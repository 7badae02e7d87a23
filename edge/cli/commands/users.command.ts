import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { ValidationError } from '../../../shared/validation.js';
import { AuthService } from '../../auth/auth.service.js';
import type { EdgeConfig } from '../../config/edge-config.js';
import type { EdgeDb } from '../../db/open.js';
import { openEdgeDb } from '../../db/open.js';
import { departments, users } from '../../db/schema.js';
import { DomainError } from '../../errors.js';
import { CommandFailed, parse, required, UsageError } from '../args.js';
import { dataDirOptions, resolveConfig } from '../config.js';
import type { Io } from '../io.js';
import { readPassword } from '../password.js';

export const usersUsage = [
  'wanmi users add --username <name> --role <role> --display-name <name> [--department <id>]   (password: WANMI_PASSWORD or stdin)',
  'wanmi users token <username> --label <label>',
].join('\n       ');

/** The service's field names → the arguments a person typed. */
const ARGUMENT_OF: Record<string, string> = {
  'user.username': '--username',
  'user.displayName': '--display-name',
  'user.role': '--role',
  'user.departmentId': '--department',
  'user.password': 'the password',
};

function authService(db: EdgeDb, config: EdgeConfig): AuthService {
  return new AuthService({
    db,
    sessionHours: config.auth.sessionHours,
    loginMaxAttempts: config.auth.loginMaxAttempts,
    loginWindowSeconds: config.auth.loginWindowSeconds,
    now: Date.now,
  });
}

/** `users add` and `users token`: the same AuthService the HTTP API uses, acting as the CLI (audited as such). */
export async function usersCommand(args: readonly string[], io: Io): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'add') return addUser(rest, io);
  if (sub === 'token') return issueToken(rest, io);
  throw new UsageError(
    sub ? `unknown users subcommand "${sub}" (add, token)` : 'missing users subcommand (add, token)',
  );
}

async function addUser(args: readonly string[], io: Io): Promise<void> {
  const { values } = parse(
    args,
    {
      ...dataDirOptions,
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      department: { type: 'string' },
    },
    [],
  );
  const input = {
    username: required(values, 'username'),
    role: required(values, 'role'),
    displayName: required(values, 'display-name'),
    departmentId: typeof values.department === 'string' ? values.department : null,
  };
  const config = resolveConfig(values, io.env);
  const password = await readPassword(io);
  const db = openEdgeDb(join(config.dataDir, 'edge.db'));
  try {
    if (input.departmentId !== null) {
      const known = db
        .select({ id: departments.id })
        .from(departments)
        .where(eq(departments.id, input.departmentId))
        .get();
      if (!known)
        throw new UsageError(`--department ${input.departmentId}: no such department (import departments first)`);
    }
    const user = await authService(db, config).createUser({ ...input, password }, { userId: 'cli', role: 'admin' });
    io.out(`created ${user.role} ${user.username} (${user.id})${user.departmentId ? ` in ${user.departmentId}` : ''}`);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new UsageError(`${ARGUMENT_OF[error.field] ?? error.field}: ${error.rule}`);
    }
    if (error instanceof DomainError) throw new CommandFailed(error.message);
    throw error;
  } finally {
    db.$client.close();
  }
}

function issueToken(args: readonly string[], io: Io): void {
  const { values, positionals } = parse(args, { ...dataDirOptions, label: { type: 'string' } }, ['username']);
  const username = positionals[0] ?? '';
  const label = required(values, 'label');
  if (label.length > 100) throw new UsageError('--label: at most 100 characters');
  const config = resolveConfig(values, io.env);
  const db = openEdgeDb(join(config.dataDir, 'edge.db'));
  try {
    const user = db
      .select({ id: users.id, disabled: users.disabled })
      .from(users)
      .where(eq(users.username, username))
      .get();
    if (!user) throw new CommandFailed(`<username> ${username}: no such user`);
    if (user.disabled) throw new CommandFailed(`<username> ${username}: the user is disabled`);
    const token = authService(db, config).issueToken(user.id, label);
    io.err(`bearer token for ${username} (${label}); it is shown only this once:`);
    io.out(token);
  } finally {
    db.$client.close();
  }
}
