import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../edge/auth/auth.service.js';
import { allowed } from '../../edge/auth/permissions.js';
import type { DomainError } from '../../edge/errors.js';
import type { Role } from '../../shared/case/roles.js';
import { roles } from '../../shared/case/roles.js';
import { DEMO_PASSWORD, EdgeHarness } from '../support/edge-harness.js';

const people = roles.filter((r): r is Exclude<Role, 'system'> => r !== 'system');

function concretePath(path: string): string {
  return path
    .replace('{id}', '018f3a2b-0000-7000-8000-000000000001')
    .replace('{op}', 'return')
    .replace('{sha256}', 'a'.repeat(64));
}

describe('every route declares who may call it', () => {
  const h = new EdgeHarness();
  const cookies = new Map<Role, { cookie: string; csrf: string }>();

  beforeAll(async () => {
    // Every feature switched on, so their routes are in the registry too: GPS on an embedded broker, video with no
    // cameras, sync pointed at a closed port (its status route answers with the link down).
    await h.start({
      gps: { enabled: true, embedded: { enabled: true } },
      video: { enabled: true },
      sync: { enabled: true, centralUrl: 'http://127.0.0.1:9', token: 'x'.repeat(32), intervalMs: 60_000 },
    });
    for (const role of people) {
      const username = `${role.replace('_', '')}-acl`;
      await h.node.services.auth.createUser({
        username,
        displayName: role,
        role,
        departmentId: role === 'handler' ? 'd1' : null,
        password: DEMO_PASSWORD,
      });
      const s = await h.node.services.auth.login(username, DEMO_PASSWORD, `10.0.0.${people.indexOf(role)}`);
      cookies.set(role, { cookie: `wanmi_session=${s.sessionToken}`, csrf: s.csrfToken });
    }
  });
  afterAll(() => h.stop());

  it('the registry lists every served route (nothing is served without a declared access)', () => {
    const declared = new Set(h.node.registry.routes.map((r) => `${r.method} ${r.path.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = new Set(h.node.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
    expect([...served].filter((r) => !declared.has(r))).toEqual([]);
    expect(h.node.registry.routes.length).toBeGreaterThan(25);
    // The features' routes are declared through the same registry (one from each).
    for (const path of [
      '/api/v1/sync/status',
      '/api/v1/vehicles/live',
      '/api/v1/cameras/{id}/live',
      '/api/v1/candidates',
    ])
      expect(h.node.registry.routes.map((r) => r.path)).toContain(path);
  });

  it('unauthenticated requests get 401 everywhere except the public routes', async () => {
    for (const r of h.node.registry.routes) {
      const res = await h.node.app.request(concretePath(r.path), {
        method: r.method,
        headers: { 'content-type': 'application/json' },
        ...(r.method === 'GET' ? {} : { body: '{}' }),
      });
      if (r.access === 'public') expect(res.status, `${r.method} ${r.path}`).not.toBe(401);
      else expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('each role gets 403 exactly where its permission table says no', async () => {
    const table: string[] = [];
    // Logout ends the session the rest of the matrix needs: it runs last.
    const ordered = [...h.node.registry.routes].sort(
      (a, b) => Number(a.path.endsWith('/logout')) - Number(b.path.endsWith('/logout')),
    );
    for (const r of ordered) {
      if (r.access === 'public') continue;
      for (const role of people) {
        const { cookie, csrf } = cookies.get(role) ?? { cookie: '', csrf: '' };
        const res = await h.node.app.request(concretePath(r.path), {
          method: r.method,
          headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
          ...(r.method === 'GET' ? {} : { body: '{}' }),
        });
        const may = allowed(role, r.access);
        table.push(`${r.method} ${r.path} ${role} → ${res.status}`);
        if (may) expect([401, 403], `${r.method} ${r.path} as ${role}`).not.toContain(res.status);
        else expect(res.status, `${r.method} ${r.path} as ${role}`).toBe(403);
      }
    }
    expect(table.length).toBe(h.node.registry.routes.filter((r) => r.access !== 'public').length * people.length);
  });

  it('a cookie session without the CSRF token cannot change anything', async () => {
    const s = await h.node.services.auth.login('operator-acl', DEMO_PASSWORD, '10.0.1.1');
    const cookie = `wanmi_session=${s.sessionToken}`;
    const res = await h.node.app.request('/api/v1/reports', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'missing or wrong X-CSRF-Token header' } });
  });

  it('a bearer token works without CSRF (handsets); an unknown or revoked token is 401, and both steps are audited', async () => {
    const collector = await h.node.services.auth.createUser({
      username: 'handset-7',
      displayName: '采集员 7',
      role: 'collector',
      password: DEMO_PASSWORD,
    });
    const token = h.node.services.auth.issueToken(collector.id, 'handset 7');
    const ok = await h.node.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const bad = await h.node.app.request('/api/v1/auth/me', { headers: { authorization: 'Bearer wt_nope' } });
    expect(bad.status).toBe(401);
    const admin = await h.node.services.auth.login('admin-acl', DEMO_PASSWORD, '10.0.2.1'); // the matrix logged out
    const revoke = await h.node.app.request(`/api/v1/users/${collector.id}/tokens`, {
      method: 'DELETE',
      headers: { cookie: `wanmi_session=${admin.sessionToken}`, 'x-csrf-token': admin.csrfToken },
    });
    expect(await revoke.json()).toEqual({ revoked: 1 });
    const after = await h.node.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    const audit = h.node.db.$client
      .prepare('SELECT action FROM audit WHERE target = ? ORDER BY seq')
      .all(collector.id) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['user.create', 'token.issue', 'token.revoke']);
  });

  it('logins are rate limited per username', async () => {
    const attempts = [];
    for (let i = 0; i < 7; i++) {
      attempts.push(
        (
          await h.node.app.request('/api/v1/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'operator-acl', password: `wrong-${i}` }),
          })
        ).status,
      );
    }
    expect(attempts.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(attempts.slice(5)).toEqual([429, 429]);
  });
  it('parallel wrong passwords cannot slip past the login limit (the attempt counts before the slow hash check)', async () => {
    // A fresh limiter: the HTTP tests above share one in-process address, which the lockout also keys on.
    const auth = new AuthService({
      db: h.node.db,
      sessionHours: 1,
      loginMaxAttempts: 5,
      loginWindowSeconds: 300,
      now: () => h.clock,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        auth.login('leader-acl', `guess-${i}`, '10.9.9.9').then(
          () => 'ok',
          (e: DomainError) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'unauthenticated').length).toBe(5);
    expect(outcomes.filter((o) => o === 'rate_limited').length).toBe(15);
  });
});
