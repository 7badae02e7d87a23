import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, loginThroughForm, screenshot } from '../support/browser.js';
import { solidPmtiles, startWithConsole } from '../support/console-edge.js';
import { DEMO_PASSWORD, EdgeHarness } from '../support/edge-harness.js';

const TILE = { r: 200, g: 60, b: 160 };

describe('an offline base map, when a PMTiles file is provisioned', () => {
  const h = new EdgeHarness();
  let stopServer: () => Promise<void> = async () => {};
  let b: ConsoleBrowser;

  beforeAll(async () => {
    writeFileSync(join(h.dir, 'district.pmtiles'), await solidPmtiles(TILE));
    stopServer = await startWithConsole(h, { basemap: 'district.pmtiles' });
    await h.as('dispatcher');
    b = await ConsoleBrowser.launch(h.base);
  });
  afterAll(async () => {
    await b?.close();
    await stopServer();
    await h.stop();
  });

  it('draws the provisioned tiles under the grids, read with HTTP range requests from the appliance, and can be switched off', async () => {
    const page = await b.newPage();
    const ranges: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/console/basemap.pmtiles')) ranges.push(r.headers().range ?? 'none');
    });
    await loginThroughForm(page, h.base, 'dispatcher1', DEMO_PASSWORD);
    await page.locator('nav.side a[href="/map"]').click();
    await page.locator('.map[data-ready="1"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.evaluate(`!!window.__wanmiMap.getLayer('basemap-raster')`)).toBe(true);
    const pixel = async () => {
      await page.waitForTimeout(500);
      const box = await page.locator('.map').boundingBox();
      if (!box) throw new Error('no map');
      const png = await page.screenshot({ clip: { x: box.x + 30, y: box.y + 30, width: 4, height: 4 } });
      const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      return { r: data[0] ?? 0, g: data[1] ?? 0, b: data[2] ?? 0 };
    };
    await expect.poll(async () => Math.abs((await pixel()).r - TILE.r), { timeout: 20_000 }).toBeLessThan(12);
    const on = await pixel();
    expect(Math.abs(on.g - TILE.g)).toBeLessThan(12);
    expect(Math.abs(on.b - TILE.b)).toBeLessThan(12);
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
    await screenshot(page, 'map-basemap');

    // The clean no-basemap mode: the same map on its plain background.
    await page.getByRole('checkbox', { name: '离线底图' }).uncheck();
    await expect.poll(async () => (await pixel()).r, { timeout: 10_000 }).toBeLessThan(40);
    b.assertNoExternalRequests();
  }, 90_000);
});
