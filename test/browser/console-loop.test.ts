import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/case/roles.js';
import { ConsoleBrowser, runAction, screenshot, switchUser } from '../support/browser.js';
import { CaseScenario } from '../support/case-scenario.js';
import { cameraJpeg, DEMO_PASSWORD, DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';

const username = (role: Role) => `${role.replace('_', '')}1`;

describe('the console walks a case through the whole loop, clicking as each role', () => {
  const h = new EdgeHarness();
  let b: ConsoleBrowser;

  beforeAll(async () => {
    await h.start();
    for (const role of ['operator', 'collector', 'dispatcher', 'handler', 'shift_lead'] as const) await h.as(role);
    b = await ConsoleBrowser.launch(h.base);
  });
  afterAll(async () => {
    await b?.close();
    await h.stop();
  });

  it('report → accept → verify → file → dispatch → sign → feedback → check → close, with photos before and after', async () => {
    const page = await b.newPage();
    const as = async (role: Role) => switchUser(page, h.base, username(role), DEMO_PASSWORD);
    const photo = { name: 'scene.jpg', mimeType: 'image/jpeg', buffer: await cameraJpeg(800, 600) };

    // 上报: the operator takes a hotline call.
    await as('operator');
    await page.locator('nav.side a[href="/report"]').click();
    await page.locator('#rep-source').selectOption('hotline');
    await page.locator('#rep-kind').selectOption('matter');
    await page.locator('#rep-category').selectOption('06001');
    // A click on the map places the report; the fields can still be typed over.
    await page.locator('.pick-map[data-ready="1"]').waitFor({ timeout: 20_000 });
    await page.locator('.pick-map canvas').click({ position: { x: 120, y: 80 } });
    await expect.poll(() => page.locator('#rep-lon').inputValue()).toMatch(/^119\.4\d+$/);
    await page.locator('#rep-lon').fill('119.484');
    await page.locator('#rep-lat').fill('31.416');
    await page.locator('#rep-address').fill('燕山路 12 号');
    await page.locator('#rep-description').fill('路边暴露垃圾');
    await page.locator('#rep-photos').setInputFiles(photo);
    await screenshot(page, 'report-form');
    await page.locator('[data-testid=report-submit]').click();
    await page.locator('article.case[data-status="reported"]').waitFor();
    const caseId = new URL(page.url()).pathname.split('/').pop() ?? '';
    expect(caseId).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => page.locator('figure.photos img').count()).toBe(1);

    // 受理, then 核实 by a collector.
    h.advance(10);
    await runAction(page, 'accept', 'accepted');
    h.advance(10);
    await runAction(page, 'verification-request', 'verifying', async (f) => {
      await f.locator('select[name=collectorId]').selectOption({ label: 'collector 1' });
    });

    // The collector finds it in the verify queue with the keyboard (↓ then Enter) and confirms it.
    await as('collector');
    await page.locator('nav.side a[data-queue="verify"]').click();
    const row = page.locator(`tr[data-case="${caseId}"]`);
    await row.waitFor();
    await page.locator('table.cases tbody tr').first().focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/cases/${caseId}`);
    h.advance(10);
    await runAction(page, 'verification', 'verified', async (f) => {
      await f.locator('select[name=result]').selectOption('confirmed');
    });

    // 立案: a bad grid code comes back from the server and is shown beside its field.
    await as('operator');
    await page.goto(`${h.base}/cases/${caseId}`);
    await page.locator('button[data-action="file"]').click();
    await page.locator('#act-file-gridCode').fill('12345');
    await page.locator('#action-form [data-testid=action-submit]').click();
    await expect.poll(() => page.locator('#act-file-gridCode-error').textContent()).toContain('15-digit');
    await screenshot(page, 'case-field-error');
    await page.locator('#act-file-gridCode').fill('');
    await page.locator('#action-form [data-testid=action-submit]').click();
    await page.locator('article.case[data-status="filed"]').waitFor();

    // 派遣: the dispatcher picks the department; the handling clock starts.
    await as('dispatcher');
    await page.locator('nav.side a[data-queue="dispatch"]').click();
    await page.locator(`tr[data-case="${caseId}"]`).click();
    await page.locator('button[data-action="dispatch"]').click();
    await page.locator('#action-form [data-testid=action-submit]').click();
    await expect.poll(() => page.locator('#act-dispatch-departmentId-error').textContent()).toBeTruthy();
    await page.locator('select[name=departmentId]').selectOption(DEPARTMENT);
    await page.locator('#action-form [data-testid=action-submit]').click();
    await page.locator('article.case[data-status="dispatched"]').waitFor();

    // 签收 and 处置反馈 with an after-photo, by the department.
    await as('handler');
    await page.locator('nav.side a[data-queue="handle"]').click();
    await page.locator(`tr[data-case="${caseId}"]`).click();
    h.advance(30);
    await runAction(page, 'sign', 'handling');
    h.advance(60);
    await runAction(page, 'feedback', 'handled', async (f) => {
      await f.locator('textarea[name=result]').fill('已清理完毕');
      await f
        .locator('input[type=file]')
        .setInputFiles({ ...photo, name: 'after.jpg', buffer: await cameraJpeg(800, 600, { r: 200, g: 200, b: 200 }) });
    });

    // 核查 by the collector, sent by the operator.
    await as('operator');
    await page.goto(`${h.base}/cases/${caseId}`);
    await runAction(page, 'check-request', 'checking', async (f) => {
      await f.locator('select[name=collectorId]').selectOption({ label: 'collector 1' });
    });
    await as('collector');
    await page.locator('nav.side a[data-queue="check"]').click();
    await page.locator(`tr[data-case="${caseId}"]`).click();
    h.advance(20);
    await runAction(page, 'check', 'checked', async (f) => {
      await f.locator('select[name=passed]').selectOption('true');
    });

    // 结案 by the shift lead.
    await as('shift_lead');
    await page.locator('nav.side a[data-queue="close"]').click();
    await page.locator(`tr[data-case="${caseId}"]`).click();
    await runAction(page, 'close', 'closed');
    await expect.poll(() => page.locator('[data-testid=no-actions]').count()).toBe(1);

    // The timeline shows every step with who did it; before and after photos sit side by side.
    const events = await page
      .locator('ol.timeline li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
    expect(events).toEqual([
      'reported',
      'accepted',
      'verification_requested',
      'verification_recorded',
      'filed',
      'dispatched',
      'signed',
      'handled',
      'check_requested',
      'check_recorded',
      'closed',
    ]);
    // Supervision steps the district took while it owns them provisionally are marked as such.
    expect(await page.locator('ol.timeline li.ev-provisional').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('figure.photos img').count()).toBe(2);
    await screenshot(page, 'case-closed');
    expect(h.node.services.store.get(caseId)?.status).toBe('closed');

    // The charts' read model counts it: reported and closed today, the department's closure rate.
    const lead = await h.as('shift_lead');
    const stats = await lead.json<{
      days: string[];
      reported: number[];
      closed: number[];
      departments: { id: string; closed: number; dispatched: number; closureRate: number }[];
    }>('GET', '/api/v1/console/stats?days=7');
    expect(stats.status).toBe(200);
    expect(stats.body.days).toHaveLength(7);
    expect(stats.body.days.at(-1)).toBe('2026-03-02');
    expect(stats.body.reported.at(-1)).toBe(1);
    expect(stats.body.closed.at(-1)).toBe(1);
    expect(stats.body.departments).toEqual([
      expect.objectContaining({ id: DEPARTMENT, dispatched: 1, closed: 1, closureRate: 1 }),
    ]);
    await page.locator('nav.side a[href="/charts"]').click();
    await page.locator('[data-testid=chart-closure] canvas').waitFor();
    await screenshot(page, 'charts');
    expect(b.pageErrors).toEqual([]);
    b.assertNoExternalRequests();
  }, 120_000);

  it('a conflict synced from the city stands out in the timeline, with its reason', async () => {
    // The city reports and files a case, then closes it while it still waits for dispatch: the fold refuses the
    // close and keeps it as a conflict.
    const s = new CaseScenario();
    const city = 'city:320400';
    s.emit(city, 'reported', {
      district: '320481',
      source: 'hotline',
      category: { kind: 'matter', code: '06001' },
      location: { lon: 119.486, lat: 31.418, address: '北大街' },
      description: '市级热线转办',
      photos: [],
    });
    s.emit(city, 'filed', { caseNumber: '320400-20260302-00001' });
    s.emit(city, 'closed', {});
    h.node.services.store.ingest(s.events, { actor: { userId: 'sync', role: 'system' } });
    expect(h.node.services.store.get(s.caseId)?.conflicts.length).toBeGreaterThan(0);

    const page = await b.newPage();
    await switchUser(page, h.base, username('shift_lead'), DEMO_PASSWORD);
    await page.goto(`${h.base}/cases/${s.caseId}`);
    const conflict = page.locator('ol.timeline li.ev-conflict[data-event="closed"]');
    await conflict.waitFor();
    expect(await conflict.locator('.tag-conflict').count()).toBe(1);
    expect(await conflict.textContent()).toMatch(/closing/);
    await screenshot(page, 'case-conflict');
    await page.locator('nav.side a[data-queue="conflicts"]').click();
    await page.locator(`tr[data-case="${s.caseId}"] .tag-conflict`).waitFor();
    b.assertNoExternalRequests();
  }, 60_000);
});
