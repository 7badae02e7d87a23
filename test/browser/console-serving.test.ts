import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { staticRoutes } from '../../edge/console/console.feature.js';
import { parseRange } from '../../edge/console/static-files.js';
import type { EdgeEnv } from '../../edge/http/env.js';
import { onError } from '../../edge/http/errors.js';
import { RouteRegistry } from '../../edge/http/registry.js';

/** A console build and a base map in a temp dir, served by the console feature's routes. */
function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'wanmi-console-'));
  mkdirSync(join(dir, 'dist', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>万米</title>');
  writeFileSync(join(dir, 'dist', 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'dist', 'assets', 'worker-abc123.mjs'), 'self.x=1');
  writeFileSync(join(dir, 'dist', 'assets', 'style-abc123.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'outside the build');
  const tiles = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  writeFileSync(join(dir, 'district.pmtiles'), tiles);
  const app = new OpenAPIHono<EdgeEnv>();
  app.onError(onError);
  app.use('*', async (c, next) => {
    const role = c.req.header('x-test-role');
    c.set('principal', role ? ({ role, via: 'bearer', userId: 'u1' } as never) : null);
    await next();
  });
  const registry = new RouteRegistry();
  staticRoutes(app, registry, join(dir, 'dist'), join(dir, 'district.pmtiles'));
  return { dir, app, registry, tiles };
}

describe('the edge serves the built console', () => {
  const f = fixture();
  afterAll(() => rmSync(f.dir, { recursive: true, force: true }));
  const get = (path: string, headers: Record<string, string> = {}) => f.app.request(path, { headers });

  it('serves files with their content type; hashed assets are immutable, the page is revalidated', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('万米');
    // The page itself may only talk to its appliance.
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const js = await get('/assets/index-abc123.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/worker-abc123.mjs')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/assets/style-abc123.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers every page of the app with index.html, but never an API path or a missing asset', async () => {
    for (const path of ['/queues/accept', '/cases/018f3a2b-0000-7000-8000-000000000001', '/map']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/html');
    }
    const api = await get('/api/v1/nothing-here');
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await get('/assets/missing-1.js')).status).toBe(404);
  });

  it('never serves a file outside the build', async () => {
    for (const path of ['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/%00.js']) {
      const r = await get(path);
      expect(await r.text(), path).not.toContain('outside the build');
    }
  });

  it('serves the PMTiles base map with HTTP range requests, to logged-in users only', async () => {
    const path = '/api/v1/console/basemap.pmtiles';
    expect((await get(path)).status).toBe(401);
    const as = { 'x-test-role': 'operator' };
    const whole = await get(path, as);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(f.tiles);
    const part = await get(path, { ...as, range: 'bytes=100-227' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-227/4096');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(f.tiles.subarray(100, 228));
    const tail = await get(path, { ...as, range: 'bytes=-16' });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(f.tiles.subarray(4080));
    const bad = await get(path, { ...as, range: 'bytes=5000-6000' });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */4096');
    // The registry declares both routes, so the route × role test covers them.
    expect(f.registry.routes.map((r) => `${r.method} ${r.path} ${r.access}`)).toEqual([
      'GET /api/v1/console/basemap.pmtiles basedata.read',
      'GET /* public',
    ]);
  });

  it('a satisfiable range always lies inside the file', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.string({ maxLength: 30 }), (size, raw) => {
        for (const header of [raw, `bytes=${raw}`]) {
          const r = parseRange(header, size);
          if (typeof r === 'object') expect(r.start >= 0 && r.start <= r.end && r.end < size).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(20_000), fc.nat(20_000), (size, a, b) => {
        const r = parseRange(`bytes=${a}-${b}`, size);
        if (a < size && b >= a) expect(r).toEqual({ start: a, end: Math.min(b, size - 1) });
        else expect(r).toBe('unsatisfiable');
      }),
      { numRuns: 500 },
    );
  });
});
