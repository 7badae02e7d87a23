import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/case/roles.js';
import { ConsoleBrowser, screenshot, switchUser, waitUntil } from '../support/browser.js';
import { DEMO_PASSWORD, DEPARTMENT, EdgeHarness } from '../support/edge-harness.js';

const roles: Role[] = ['operator', 'shift_lead', 'dispatcher', 'handler', 'collector', 'leader', 'admin'];
const username = (role: Role) => `${role.replace('_', '')}1`;

/**
 * Runs in the page: every visible string that is not user data, every control's accessible name.
 * Data (case descriptions, category names from the national directory, people's names) is marked `.data` and may be
 * Chinese in either language; everything else must come from the catalogue.
 */
const auditScript = `(() => {
  const rawKey = /^(app|nav|queue|col|light|time|status|step|flag|kind|source|case|event|action|op|field|unit|report|map|charts|vehicles|video|health|login|role|basis)\\.[A-Za-z0-9_.-]+$/;
  const cjk = /[\\u3400-\\u9fff]/;
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    const s = n.textContent.trim();
    if (!s || !el || el.closest('script,style') || !visible(el)) continue;
    texts.push({ s, data: !!el.closest('.data, [lang]:not(html)') });
  }
  for (const el of document.querySelectorAll('[aria-label],[placeholder],[title],option,optgroup')) {
    for (const a of ['aria-label', 'placeholder', 'title', 'label']) {
      const v = el.getAttribute(a);
      if (v) texts.push({ s: v, data: !!el.closest('.data') || el.classList.contains('data') });
    }
    if (el.tagName === 'OPTION') texts.push({ s: el.textContent.trim(), data: el.classList.contains('data') });
  }
  const rawKeys = texts.filter((x) => x.s.includes('⟦') || rawKey.test(x.s)).map((x) => x.s);
  const chinese = texts.filter((x) => !x.data && cjk.test(x.s)).map((x) => x.s);
  // In Chinese, an English word outside user data is a string that bypassed the catalogue (PMTiles, km/h are names).
  const english = texts.filter((x) => !x.data && /[A-Za-z]{3,}/.test(x.s.replace(/PMTiles|km.h/g, ''))).map((x) => x.s);
  const unlabelled = [];
  for (const el of document.querySelectorAll('button, input, select, textarea, a[href], [tabindex="0"]')) {
    if (!visible(el) && el.tagName !== 'TR') continue;
    const byId = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    const name = (el.getAttribute('aria-label') ?? '') || (el.getAttribute('aria-labelledby') ? byId(el.getAttribute('aria-labelledby')) : '') ||
      (el.labels ? Array.from(el.labels).map((l) => l.textContent).join(' ') : '') || (el.textContent ?? '') || (el.getAttribute('title') ?? '') ||
      (el.querySelector('img')?.getAttribute('alt') ?? '');
    if (!name.trim()) unlabelled.push(el.outerHTML.slice(0, 120));
  }
  return { rawKeys, chinese, english, unlabelled };
})()`;

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
      const r = (await page.evaluate(auditScript)) as {
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
