import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowed } from '../../edge/auth/permissions.js';
import { cameraFileSchema } from '../../edge/video/camera.schema.js';
import { parseProbeMatch } from '../../edge/video/discovery.js';
import { videoTestSeams } from '../../edge/video/video.feature.js';
import { loadCameraFiles } from '../../edge/video/video.service.js';
import { roles } from '../../shared/case/roles.js';
import { EdgeHarness } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { eventually, testVideoConfig } from '../support/video-config.js';

const CAMERA_DIR = 'firmware-config/cameras';
const files = readdirSync(CAMERA_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(CAMERA_DIR, f));

describe('camera definitions', () => {
  it('every firmware-config/cameras file is valid, with passwords only as environment placeholders', () => {
    expect(files.length).toBeGreaterThan(0);
    const env = new Proxy({} as NodeJS.ProcessEnv, { get: (_t, name) => `secret-${String(name)}` });
    const cameras = loadCameraFiles(files, env);
    expect(cameras.length).toBeGreaterThan(0);
    for (const c of cameras) if (c.credentials) expect(c.credentials.password).toMatch(/^secret-WANMI_/);
  });

  it('a missing password variable is an error naming it', () => {
    expect(() => loadCameraFiles(files, {})).toThrow(/environment variable WANMI_CAM_\w+ is not set/);
  });

  it('rejects unknown keys, duplicate ids and cameras without a way to reach them, naming the path', () => {
    const bad = cameraFileSchema.safeParse({
      version: 1,
      cameras: [
        { id: 'a', name: 'A', rtspUrl: 'rtsp://h/s', colour: 'red' },
        { id: 'b', name: 'B' },
        { id: 'b', name: 'B2', rtspUrl: 'rtsp://h/s' },
      ],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['cameras.0', 'cameras.1.onvif', 'cameras.2.id']));
  });

  it('reads a WS-Discovery probe match as the onvif package hands it, and ignores incomplete ones', () => {
    const match = {
      probeMatches: {
        probeMatch: {
          endpointReference: { address: 'urn:uuid:4d454930-0000-1000-8000-bcbac2e1a0f1' },
          scopes: 'onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/DS-2CD2T47',
          XAddrs: 'http://192.168.20.40/onvif/device_service http://[fe80::1]/onvif/device_service',
        },
      },
    };
    expect(parseProbeMatch(match)).toEqual([
      {
        urn: 'urn:uuid:4d454930-0000-1000-8000-bcbac2e1a0f1',
        xaddr: 'http://192.168.20.40/onvif/device_service',
        name: 'DS-2CD2T47',
      },
    ]);
    expect(parseProbeMatch({ probeMatches: { probeMatch: { XAddrs: 'http://x/onvif' } } })).toEqual([]);
    expect(parseProbeMatch(null)).toEqual([]);
    expect(parseProbeMatch({ probeMatches: 'garbage' })).toEqual([]);
  });
});

describe('cameras found by WS-Discovery join the registry (discovery injected: no multicast)', () => {
  const mock = new OnvifMock({ rtspUrl: 'rtsp://127.0.0.1:9/x' });
  const h = new EdgeHarness();

  beforeAll(async () => {
    await mock.start();
    videoTestSeams.discovery = {
      probe: async () => [{ urn: 'urn:uuid:00000000-0000-1000-8000-00aabbccddee', xaddr: mock.url, name: '路口球机' }],
    };
    await h.start({
      video: testVideoConfig([], { discovery: { enabled: true, credentials: { username: 'admin', password: 'x' } } }),
    });
  });
  afterAll(async () => {
    videoTestSeams.discovery = null;
    await h.stop();
    await mock.close();
  });

  it('a discovered device is listed, connected and healthy', async () => {
    const op = await h.as('operator');
    const cam = await eventually(async () => {
      const r = await op.json<{
        cameras: { id: string; source: string; name: string; profiles: unknown[]; health: { state: string } }[];
      }>('GET', '/api/v1/cameras');
      const found = r.body.cameras.find((c) => c.id === 'onvif-00aabbccddee');
      expect(found?.health.state).toBe('online');
      return found;
    });
    expect(cam).toMatchObject({ source: 'discovery', name: '路口球机' });
    expect(cam?.profiles).toHaveLength(1);
  });

  it('every camera route declares its access and answers 401/403 by the permission table', async () => {
    const routes = h.node.registry.routes.filter((r) => r.path.startsWith('/api/v1/cameras'));
    expect(routes.length).toBe(5);
    for (const r of routes) {
      expect(r.access, r.path).toBe(r.method.toLowerCase() === 'get' ? 'video.view' : 'camera.manage');
      const path = r.path.replace('{id}', 'onvif-00aabbccddee').replace('{token}', '1');
      const method = r.method.toUpperCase();
      expect((await fetch(`${h.base}${path}`, { method })).status, path).toBe(401);
      for (const role of roles.filter((x) => x !== 'system')) {
        const status = (await (await h.as(role)).request(method, path)).status;
        if (r.access !== 'public' && allowed(role, r.access))
          expect([401, 403], `${path} as ${role}`).not.toContain(status);
        else expect(status, `${path} as ${role}`).toBe(403);
      }
    }
  });
});
