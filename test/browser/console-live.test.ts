import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, loginThroughForm, screenshot, switchUser } from '../support/browser.js';
import { DEMO_PASSWORD, EdgeHarness } from '../support/edge-harness.js';
import { OnvifMock } from '../support/onvif-mock.js';
import { RtspServer } from '../support/rtsp-server.js';
import { eventually, mockCamera, testVideoConfig } from '../support/video-config.js';

describe('live vehicles in the console', () => {
  const h = new EdgeHarness();
  let b: ConsoleBrowser;
  let ticker: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    await h.start({
      gps: {
        enabled: true,
        embedded: { enabled: true },
        simulator: { enabled: true, vehicles: 3, collectors: 1, hz: 2 },
        live: { throttleMs: 200 },
      },
    });
    // The harness clock is held; let it follow real time so the simulator's fixes move forward.
    ticker = setInterval(() => {
      h.clock += 250;
    }, 250);
    await h.as('dispatcher');
    b = await ConsoleBrowser.launch(h.base);
  });
  afterAll(async () => {
    clearInterval(ticker);
    await b?.close();
    await h.stop();
  });

  it('a simulated vehicle moves in the vehicle list and on the map, over Server-Sent Events', async () => {
    const page = await b.newPage();
    await loginThroughForm(page, h.base, 'dispatcher1', DEMO_PASSWORD);
    await page.locator('nav.side a[href="/vehicles"]').click();
    const row = page.locator('tr[data-vehicle]').first();
    await row.waitFor({ timeout: 20_000 });
    const key = await row.getAttribute('data-vehicle');
    const at = async () => {
      const r = page.locator(`tr[data-vehicle="${key}"]`);
      return `${await r.getAttribute('data-lon')},${await r.getAttribute('data-lat')}`;
    };
    const first = await at();
    await expect.poll(at, { timeout: 20_000 }).not.toBe(first);
    // Track playback of the hour before its last fix: the line on a map, a play button, trips and stops.
    await page.locator(`tr[data-vehicle="${key}"] button`).click();
    await page.locator('[data-testid=playback] .mini-map[data-ready="1"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=track-play]').click();
    await screenshot(page, 'vehicles');

    await page.locator('nav.side a[href="/map"]').click();
    await page.locator('.map[data-ready="1"]').waitFor({ timeout: 20_000 });
    await expect
      .poll(() => page.evaluate(`window.__wanmiMap.querySourceFeatures('vehicles').length`), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await screenshot(page, 'map-vehicles');
    b.assertNoExternalRequests();
  }, 90_000);
});

describe('the video wall plays a live camera tile', () => {
  const rtsp = new RtspServer();
  let mock: OnvifMock;
  const h = new EdgeHarness();
  let b: ConsoleBrowser;

  beforeAll(async () => {
    await rtsp.start();
    mock = await new OnvifMock({ rtspUrl: rtsp.url }).start();
    await h.start({ video: testVideoConfig([mockCamera('cam-wall', mock.url)]) });
    await h.as('shift_lead');
    const op = await h.as('operator');
    await eventually(async () => {
      expect((await op.json<{ streamUri: string }>('GET', '/api/v1/cameras/cam-wall')).body.streamUri).toBe(rtsp.url);
    }, 20_000);
    b = await ConsoleBrowser.launch(h.base);
  });
  afterAll(async () => {
    await b?.close();
    await h.stop();
    await mock?.close();
    await rtsp.stop();
  });

  it('MSE plays the H.264 passthrough, the JSMpeg fallback plays MPEG-1, through the appliance only', async () => {
    const page = await b.newPage();
    await loginThroughForm(page, h.base, 'operator1', DEMO_PASSWORD);
    await page.locator('nav.side a[href="/video"]').click();
    const tile = page.locator('figure.tile[data-camera="cam-wall"]');
    await tile.waitFor();
    await tile.locator('[data-testid=play]').click();
    await expect.poll(() => tile.getAttribute('data-mode')).toBe('mse');
    await expect
      .poll(async () => Number(await tile.getAttribute('data-frames')), { timeout: 30_000 })
      .toBeGreaterThan(10);
    await screenshot(page, 'video-wall');
    await tile.getByRole('button').last().click();
    await tile.locator('[data-testid=play-fallback]').click();
    await expect.poll(() => tile.getAttribute('data-mode')).toBe('jsmpeg');
    const before = Number(await tile.getAttribute('data-frames'));
    await expect
      .poll(async () => Number(await tile.getAttribute('data-frames')), { timeout: 30_000 })
      .toBeGreaterThan(before + 10);
    expect(await page.locator('aside.candidates').count()).toBe(1);

    // Link & health (shift lead): the camera is online; no city link and no GPS here, each said plainly.
    await switchUser(page, h.base, 'shiftlead1', DEMO_PASSWORD);
    await page.locator('nav.side a[href="/health"]').click();
    await page.locator('[data-camera="cam-wall"] [data-state="online"]').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=health-api].ok').waitFor();
    await screenshot(page, 'health-cameras');
    b.assertNoExternalRequests();
  }, 90_000);
});
