import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBrowser, loginThroughForm, screenshot } from '../support/browser.js';
import { DEMO_PASSWORD, EdgeHarness } from '../support/edge-harness.js';

describe('a traffic light in the queue turns yellow and red as the appliance clock moves', () => {
  const h = new EdgeHarness();
  let b: ConsoleBrowser;

  beforeAll(async () => {
    await h.start();
    await h.as('operator');
    b = await ConsoleBrowser.launch(h.base);
  });
  afterAll(async () => {
    await b?.close();
    await h.stop();
  });

  it('green → yellow (80 % of the 1-working-hour accept limit) → red (overdue), live without a reload', async () => {
    const collector = await h.as('collector');
    const created = await collector.json<{ case: { caseId: string } }>('POST', '/api/v1/reports', {
      clientReportId: 'clock-1',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.485, lat: 31.417, address: '南大街' },
      description: '占道经营',
    });
    expect(created.status).toBe(201);
    const id = created.body.case.caseId;

    const page = await b.newPage();
    await loginThroughForm(page, h.base, 'operator1', DEMO_PASSWORD);
    await page.goto(`${h.base}/queues/accept`);
    const row = page.locator(`tr[data-case="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-light')).toBe('green');
    await screenshot(page, 'queue-green');

    h.advance(50); // 50 of 60 working minutes used: yellow
    await expect.poll(() => row.getAttribute('data-light'), { timeout: 15_000 }).toBe('yellow');
    expect(await row.locator('td.left').textContent()).toMatch(/剩余/);
    await screenshot(page, 'queue-yellow');

    h.advance(15); // 5 minutes past the deadline: red, and the row says how long overdue
    await expect.poll(() => row.getAttribute('data-light'), { timeout: 15_000 }).toBe('red');
    expect(await row.locator('td.left').textContent()).toMatch(/超期/);
    await screenshot(page, 'queue-red');

    // The overdue queue lists it too, and the map colours its grid red.
    await page.locator('nav.side a[data-queue="overdue"]').click();
    await page.locator(`tr[data-case="${id}"][data-light="red"]`).waitFor();
    await page.locator('nav.side a[href="/map"]').click();
    await page.locator('.map[data-ready="1"]').waitFor({ timeout: 20_000 });
    // No PMTiles file is provisioned here: the clean no-basemap mode says so.
    await page.locator('[data-testid=no-basemap]').waitFor();
    await expect
      .poll(() => page.evaluate(`window.__wanmiMap.getFeatureState({ source: 'grids', id: '320481001001001' }).red`), {
        timeout: 15_000,
      })
      .toBe(1);
    await screenshot(page, 'map');
    b.assertNoExternalRequests();
  }, 90_000);
});
