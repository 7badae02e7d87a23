import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/case/roles.js';
import { ConsoleBrowser, screenshot, switchUser, waitUntil } from '../support/browser.js';
import { consoleAuditScript } from '../support/console-audit.js';
import { DEMO_PASSWORD, DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';

const roles: Role[] = ['operator', 'shift_lead', 'dispatcher', 'handler', 'collector', 'leader', 'admin'];
const username = (role: Role) => `${role.replace('_', '')}1`;

async function settle(page: Page): Promise<void> {
  await waitUntil(page, `!document.querySelector('main p[role=status]')`);
}

describe('every screen, in zh-CN and English, for every role', () => {
  const h = new EdgeHarness();
  let b: ConsoleBrowser;
  let caseId = '';

  beforeAll(async () => {
    await h.start();
    for (const role of roles) await h.as(role);
    // A few cases in different steps, one with a pending extension request (approvals) and one with a conflict-free rework.
    const collector = await h.as('collector');
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await collector.json<{ case: { caseId: string } }>('POST', '/api/v1/reports', {
        clientReportId: `screens-${i}`,
        category: { kind: 'matter', code: '06001' },
        location: { lon: 119.48 + i * 0.003, lat: 31.415 + i * 0.002, address: `测试路 ${i} 号` },
        description: `测试案件 ${i}`,
      });
      ids.push(r.body.case.caseId);
    }
    caseId = ids[0] ?? '';
    const operator = await h.as('operator');
    const dispatcher = await h.as('dispatcher');
    const handler = await h.as('handler');
    for (const id of ids.slice(0, 2)) {
      await operator.json('POST', `/api/v1/cases/${id}/file`, {});
      await dispatcher.json('POST', `/api/v1/cases/${id}/dispatch`, { departmentId: DEPARTMENT });
      await handler.json('POST', `/api/v1/cases/${id}/sign`, {});
    }
    await handler.json('POST', `/api/v1/cases/${ids[0]}/special-requests`, {
      op: 'extension',
      reason: '材料未到',
      extra: { amount: 1, unit: 'working_days' },
    });
    b = await ConsoleBrowser.launch(h.base);
  });
  afterAll(async () => {
    await b?.close();
    await h.stop();
  });

  it('shows no raw key, no untranslated string in English, and a label on every control', async () => {
    const page = await b.newPage();
    const problems: string[] = [];
    const audit = async (where: string, lang: string) => {
      await settle(page);
      const r = (await page.evaluate(consoleAuditScript)) as {
        rawKeys: string[];
        chinese: string[];
        english: string[];
        unlabelled: string[];
      };
      for (const k of r.rawKeys) problems.push(`${lang} ${where}: raw key ${k}`);
      if (lang === 'en') for (const s of r.chinese) problems.push(`${lang} ${where}: untranslated "${s}"`);
      if (lang === 'zh-CN') for (const s of r.english) problems.push(`${lang} ${where}: English left in "${s}"`);
      for (const u of r.unlabelled) problems.push(`${lang} ${where}: control without a label ${u}`);
    };
    let screens = 0;
    // A screen looks the same whichever role opens it (the nav and the case actions differ, and are checked per
    // role): each screen is walked once per language.
    const shared = new Set<string>();
    for (const role of roles) {
      await switchUser(page, h.base, username(role), DEMO_PASSWORD);
      for (const lang of ['zh-CN', 'en'] as const) {
        if ((await page.evaluate('document.documentElement.lang')) !== lang) {
          await page.locator('[data-testid=lang-switch]').click();
          await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe(lang);
        }
        const links = await page.locator('nav.side a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        for (const href of links) {
          if (shared.has(`${lang} ${href}`)) continue;
          shared.add(`${lang} ${href}`);
          await page.locator(`nav.side a[href="${href}"]`).click();
          await page.waitForURL(`**${href}`);
          await audit(`${role} ${href}`, lang);
          screens++;
          if (lang === 'en' && !href.startsWith('/queues/')) await screenshot(page, `en-${href.slice(1)}`);
        }
        // The case page, with the actions this role may take.
        // In-app navigation (no reload), as a link click would do.
        await page.evaluate(
          `history.pushState(null, '', '/cases/${caseId}'); dispatchEvent(new PopStateEvent('popstate'))`,
        );
        await page.locator('article.case').waitFor();
        for (const action of await page.locator('button[data-action]').all()) {
          await action.click();
          await audit(`${role} case form ${await action.getAttribute('data-action')}`, lang);
          await action.click();
        }
        await audit(`${role} case`, lang);
        if (role === 'dispatcher') await screenshot(page, `case-approval-${lang}`);
        screens++;
      }
    }
    expect(problems).toEqual([]);
    expect(screens).toBeGreaterThan(35);
    b.assertNoExternalRequests();
  }, 180_000);

  it('keyboard only: queue rows move with ↑/↓, Enter opens the case, Tab reaches its actions and submits one', async () => {
    const page = await b.newPage();
    await switchUser(page, h.base, 'operator1', DEMO_PASSWORD);
    await page.goto(`${h.base}/queues/accept`);
    const rows = page.locator('table.cases tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    const second = await rows.nth(1).getAttribute('data-case');
    expect(await page.evaluate('document.activeElement.getAttribute("data-case")')).toBe(second);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/cases/${second}`);
    await page.locator('article.case').waitFor();
    // Tab from the top of the page until the accept button has focus.
    await page.locator('#main').focus();
    let found = false;
    for (let i = 0; i < 40 && !found; i++) {
      await page.keyboard.press('Tab');
      found = (await page.evaluate('document.activeElement?.getAttribute("data-action")')) === 'accept';
    }
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement?.name')).toBe('note');
    await page.keyboard.type('电话确认');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.locator('article.case[data-status="accepted"]').waitFor();

    // Video-wall mode: larger type everywhere, kept across pages.
    await page.locator('[data-testid=large-switch]').click();
    await expect.poll(() => page.evaluate(`document.documentElement.classList.contains('large')`)).toBe(true);
    expect(
      await page.evaluate(`parseFloat(getComputedStyle(document.documentElement).fontSize)`),
    ).toBeGreaterThanOrEqual(24);
    await page.goto(`${h.base}/queues/accept`);
    await page.locator('table.cases tbody tr').first().waitFor();
    expect(await page.evaluate(`document.documentElement.classList.contains('large')`)).toBe(true);
    await screenshot(page, 'queue-large');
    b.assertNoExternalRequests();
  }, 60_000);
});
