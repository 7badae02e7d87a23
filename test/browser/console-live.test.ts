import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, loginThroughForm, screenshot } from '../support/browser.js';
import { DEMO_PASSWORD, EdgeHarness } from '../support/edge-harness.js';

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
