import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseState } from '../../shared/case/state.js';
import { ConsoleBrowser, loginThroughForm, screenshot, waitUntil } from '../support/browser.js';
import { CITY_PASSWORD, CityConsoleHarness, DISTRICT } from '../support/central-console.js';
import { type AuditResult, consoleAuditScript } from '../support/console-audit.js';
import { cameraJpeg, photoForm } from '../support/edge-harness.js';

/**
 * The console served by central (市级监督中心), in real Chromium: the city's screens against central on PGlite, fed by
 * a real district edge through sync v1. Any request leaving central's origin fails the test.
 */
describe('the console on central: the city’s screens', () => {
  const h = new CityConsoleHarness();
  let b: ConsoleBrowser;
  const ids = { confirm: '', overrule: '', dispatched: '', reported: '' };

  beforeAll(async () => {
    await h.start();
    await h.cityUser('citylead', 'shift_lead');
    await h.cityUser('cityop', 'operator');
    await h.cityUser('cityleader', 'leader');
    await h.cityUser('cityhandler', 'handler');
    // The district files two cases itself, provisionally (filing is the city's step), and dispatches a third.
    ids.confirm = await h.report('c-1', '人行道垃圾堆积', 119.481);
    ids.overrule = await h.report('c-2', '重复上报：路灯不亮', 119.482);
    ids.dispatched = await h.report('c-3', '井盖破损', 119.483);
    ids.reported = await h.report('c-4', '占道经营', 119.484);
    await h.edgeStep('operator', ids.confirm, 'file');
    await h.edgeStep('operator', ids.overrule, 'file');
    await h.edgeStep('operator', ids.dispatched, 'file');
    await h.edgeStep('dispatcher', ids.dispatched, 'dispatch', { departmentId: 'dept-sanitation' });
    h.edge.advance(50);
    expect(await h.sync.syncOnce()).toMatchObject({ pushed: expect.any(Number) });
    b = await ConsoleBrowser.launch(h.base);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await h.stop();
  });

  it('is served by central with the edge’s security headers, marked as central’s, API paths never fall back', async () => {
    const page = await fetch(`${h.base}/city/cases?overdue=true`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    expect(html).toContain('<meta name="wanmi-site" content="central" />');
    const asset = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const js = await fetch(`${h.base}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${h.base}/api/v1/nothing-here`)).status).toBe(401); // the API's session check comes first
    const missingApi = await fetch(`${h.base}/sync/v2/nothing`);
    expect(missingApi.status).toBe(404);
    expect(await missingApi.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await fetch(`${h.base}/assets/missing-abc.js`)).status).toBe(404);
    expect((await fetch(`${h.base}/..%2f..%2fpackage.json`)).status).not.toBe(200);
    // The read models: a session is needed, a role without case access is refused, bad filters get a 400.
    expect((await fetch(`${h.base}/api/v1/console/city/cases`)).status).toBe(401);
    const handler = await h.cityApi('cityhandler');
    expect((await handler('GET', '/api/v1/console/city/cases')).status).toBe(403);
    expect((await handler('GET', '/api/v1/console/session')).status).toBe(200);
    const lead = await h.cityApi('citylead');
    const bad = await lead<{ error: { field: string } }>('GET', '/api/v1/console/city/cases?status=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('status');
    const rows = await lead<{ total: number; cases: { id: string; clock: { light: string } | null }[] }>(
      'GET',
      `/api/v1/console/city/cases?district=${DISTRICT}`,
    );
    expect(rows.body.total).toBe(4);
    expect(rows.body.cases.every((r) => r.clock !== null)).toBe(true);
  });

  it('a city shift lead logs in, sees the district that synced, works the city-wide queue, confirms one provisional decision and overrules another', async () => {
    const page = await b.newPage();
    await loginThroughForm(page, h.base, 'citylead', CITY_PASSWORD);
    expect(await page.title()).toBe('万米 · 市级监督指挥平台');

    // 各区概览: the district that synced, link up, nothing left to push, its counts.
    await page.waitForURL('**/city/districts');
    const row = page.locator(`tr[data-district="${DISTRICT}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-link')).toBe('up');
    expect(await row.locator('[data-testid=backlog]').textContent()).toBe('0');
    expect(await row.locator('[data-testid=open]').textContent()).toBe('4');
    expect(await row.locator('[data-testid=provisional]').textContent()).toBe('3');
    await page.locator('[data-testid=chart-districts] canvas').first().waitFor();
    await screenshot(page, 'city-districts-zh-CN');

    // 全市案件: from the district's row to its cases; filters narrow the list and live in the URL.
    await row.locator('th a').click();
    await page.waitForURL(`**/city/cases?district=${DISTRICT}`);
    const rows = page.locator('table.cases tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    const lights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-light')));
    expect(lights.every((l) => l === 'green' || l === 'yellow' || l === 'red')).toBe(true);
    expect(lights).toContain('yellow'); // 50 of the 60 working minutes to dispatch are gone
    await page.locator('[data-testid=filter-status]').selectOption('filed');
    await expect.poll(() => rows.count()).toBe(2);
    expect(page.url()).toContain('status=filed');
    await page.locator('[data-testid=filter-status]').selectOption('');
    await page.locator('[data-testid=filter-provisional]').check();
    await expect.poll(() => rows.count()).toBe(3);
    await screenshot(page, 'city-cases-zh-CN');
    await page.locator('[data-testid=filter-provisional]').uncheck();
    await page.locator('[data-testid=filter-q]').fill('井盖');
    await expect.poll(() => rows.count()).toBe(1);
    // Keyboard: the row has focus, Enter opens the case.
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/city/cases/${ids.dispatched}`);
    await page.locator('article.city-case').waitFor();
    expect(await page.locator('ol.timeline li.ev-provisional').count()).toBe(1);
    expect(await page.locator('ol.timeline li[data-event="dispatched"]').count()).toBe(1);

    // 待确认的临时决定: three decisions waiting; confirm one, overrule another with a reason.
    await page.locator('nav.side a[data-screen="/city/provisional"]').click();
    await page.waitForURL('**/city/provisional');
    const decisions = page.locator('table.provisional-table tbody tr');
    await expect.poll(() => decisions.count()).toBe(3);
    await page.locator('[data-testid=filter-district]').selectOption(DISTRICT);
    await expect.poll(() => decisions.count()).toBe(3);
    await screenshot(page, 'city-provisional-zh-CN');
    const confirmRow = page.locator(`tr[data-case="${ids.confirm}"]`);
    await confirmRow.locator('[data-testid=confirm]').click();
    await page.locator('[data-testid=outcomes] [data-outcome=confirmed]').waitFor();
    await expect.poll(() => decisions.count()).toBe(2);
    const overruleRow = page.locator(`tr[data-case="${ids.overrule}"]`);
    const overruledEvent = (await overruleRow.getAttribute('data-event')) ?? '';
    await overruleRow.locator('[data-testid=overrule]').click();
    // The reason is required; the field gets focus when the form opens.
    await overruleRow.locator('[data-testid=overrule-submit]').click();
    await overruleRow.locator('[role=alert]').waitFor();
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")'))
      .toBe('overrule-reason');
    await page.keyboard.type('重复案件，市级不予认可');
    await overruleRow.locator('[data-testid=overrule-submit]').click();
    await page.locator('[data-testid=outcomes] [data-outcome=overruled]').waitFor();
    await expect.poll(() => decisions.count()).toBe(1);

    // The outcome through central's API, and back on the district's edge after the next sync.
    const api = await h.cityApi('cityleader');
    const confirmed = (await api<{ case: CaseState }>('GET', `/api/v1/cases/${ids.confirm}`)).body.case;
    expect(confirmed.provisional).toEqual([expect.objectContaining({ type: 'filed', state: 'confirmed' })]);
    expect(confirmed.status).toBe('filed');
    const overruled = (await api<{ case: CaseState }>('GET', `/api/v1/cases/${ids.overrule}`)).body.case;
    expect(overruled.conflicts).toEqual([
      expect.objectContaining({ eventId: overruledEvent, type: 'filed', kind: 'overruled' }),
    ]);
    expect(overruled.status).toBe('reported');
    await h.sync.syncOnce();
    expect(h.edge.node.services.store.get(ids.confirm)?.provisional[0]?.state).toBe('confirmed');
    expect(h.edge.node.services.store.get(ids.overrule)?.status).toBe('reported');

    // The overruled case: the timeline shows the overruled filing; the city now files it itself.
    await page.goto(`${h.base}/city/cases/${ids.overrule}`);
    await page.locator('article.city-case[data-status="reported"]').waitFor();
    await page.locator('ol.timeline li[data-conflict="overruled"]').waitFor();
    await page.locator('ol.timeline li[data-event="provisional_overruled"]').waitFor();
    await screenshot(page, 'city-case-overruled-zh-CN');
    await page.locator('button[data-action="file"]').click();
    await page.locator('#action-form select[name=urgency]').selectOption('B');
    await page.locator('#action-form [data-testid=action-submit]').click();
    await page.locator('article.city-case[data-status="filed"]').waitFor();
    const filedByCity = (await api<{ case: CaseState }>('GET', `/api/v1/cases/${ids.overrule}`)).body.case;
    expect(filedByCity.urgency).toBe('B');
    expect(filedByCity.provisional.filter((p) => p.state === 'pending')).toEqual([]);

    // 督办: the shift lead urges the dispatched case; the comment shows on its timeline.
    await page.goto(`${h.base}/city/cases/${ids.dispatched}`);
    await page.locator('article.city-case').waitFor();
    await page.locator('button[data-action="urge"]').click();
    await page.locator('#action-form textarea[name=comment]').fill('市级督办：今日内处理');
    await page.locator('#action-form select[name=level]').selectOption('high');
    await page.locator('#action-form [data-testid=action-submit]').click();
    await page.locator('ol.timeline li[data-event="urged"]').waitFor();
    const urged = (await api<{ case: CaseState }>('GET', `/api/v1/cases/${ids.dispatched}`)).body.case;
    expect(urged.urges).toEqual([expect.objectContaining({ comment: '市级督办：今日内处理', level: 'high' })]);
    b.assertNoExternalRequests();
    expect(b.pageErrors).toEqual([]);
  }, 120_000);

  it('an operator files a case for a district through the form; the district’s edge gets it', async () => {
    const page = await b.newPage();
    await page.context().clearCookies();
    await loginThroughForm(page, h.base, 'cityop', CITY_PASSWORD);
    await page.locator('nav.side a[data-screen="/city/file"]').click();
    await page.waitForURL('**/city/file');
    await page.locator('[data-testid=file-submit]').click();
    await waitUntil(page, `document.querySelectorAll('[aria-invalid=true]').length >= 4`);
    await page.locator('#cf-district').fill(DISTRICT);
    await page.locator('#cf-source').selectOption('hotline');
    await page.locator('#cf-category').selectOption('06001');
    await page.locator('#cf-lon').fill('119.4855');
    await page.locator('#cf-lat').fill('31.4155');
    await page.locator('#cf-address').fill('燕山路 8 号');
    await page.locator('#cf-description').fill('12345 热线：燕山路垃圾满溢');
    await screenshot(page, 'city-file-zh-CN');
    await page.locator('[data-testid=file-submit]').click();
    await page.locator('article.city-case[data-status="filed"]').waitFor();
    const id = /\/city\/cases\/([0-9a-f-]{36})$/.exec(page.url())?.[1] ?? '';
    expect(id).not.toBe('');
    await h.sync.syncOnce();
    expect(h.edge.node.services.store.get(id)).toMatchObject({ status: 'filed', district: DISTRICT });
    b.assertNoExternalRequests();
  }, 60_000);

  it('the city sees a district’s report photos on the case page, served per case and only to a session', async () => {
    const collector = await h.edge.as('collector');
    const res = await collector.request(
      'POST',
      '/api/v1/reports',
      photoForm(
        {
          clientReportId: 'c-photo',
          category: { kind: 'matter', code: '06001' },
          location: { lon: 119.4857, lat: 31.42, address: '燕山路 20 号' },
          description: '垃圾满溢（带照片）',
        },
        [await cameraJpeg(640, 480, { r: 200, g: 60, b: 40 })],
      ),
    );
    expect(res.status).toBe(201);
    const { case: reported } = (await res.json()) as { case: CaseState };
    const id = reported.caseId ?? '';
    const [sha] = reported.photos.report;
    if (!sha) throw new Error('the report kept no photo');
    await h.sync.syncOnce();

    // The API: the bytes the district published, to a session only, and only hashes this case names.
    const login = await fetch(`${h.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'cityleader', password: CITY_PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const photo = await fetch(`${h.base}/api/v1/cases/${id}/photos/${sha}`, { headers: { cookie } });
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/jpeg');
    const published = h.edge.node.services.uploads.published(sha)?.bytes;
    expect(Buffer.from(await photo.arrayBuffer()).equals(published ?? Buffer.alloc(0))).toBe(true);
    expect((await fetch(`${h.base}/api/v1/cases/${id}/photos/${sha}`)).status).toBe(401);
    const elsewhere = await fetch(`${h.base}/api/v1/cases/${ids.confirm}/photos/${sha}`, { headers: { cookie } });
    expect(elsewhere.status).toBe(404);
    expect((await fetch(`${h.base}/api/v1/cases/${id}/photos/${'0'.repeat(64)}`, { headers: { cookie } })).status).toBe(
      404,
    );
    expect((await fetch(`${h.base}/api/v1/cases/${id}/photos/not-a-hash`, { headers: { cookie } })).status).toBe(400);

    // The case page shows it, decoded.
    const page = await b.newPage();
    await page.context().clearCookies();
    await loginThroughForm(page, h.base, 'cityleader', CITY_PASSWORD);
    await page.goto(`${h.base}/city/cases/${id}`);
    const img = page.locator(`figure.photos img[src$="/photos/${sha}"]`);
    await img.waitFor();
    await waitUntil(
      page,
      `(() => { const i = document.querySelector('figure.photos img'); return i && i.complete && i.naturalWidth === 640; })()`,
    );
    await screenshot(page, 'city-case-photos-zh-CN');
    b.assertNoExternalRequests();
  }, 60_000);

  it('every city screen in zh-CN and English: no raw key, nothing untranslated, a label on every control', async () => {
    const page = await b.newPage();
    const problems: string[] = [];
    const audit = async (where: string, lang: string) => {
      await waitUntil(page, `!document.querySelector('main p[role=status]')`);
      const r = (await page.evaluate(consoleAuditScript)) as AuditResult;
      for (const k of r.rawKeys) problems.push(`${lang} ${where}: raw key ${k}`);
      if (lang === 'en') for (const s of r.chinese) problems.push(`${lang} ${where}: untranslated "${s}"`);
      if (lang === 'zh-CN') for (const s of r.english) problems.push(`${lang} ${where}: English left in "${s}"`);
      for (const u of r.unlabelled) problems.push(`${lang} ${where}: control without a label ${u}`);
    };
    const setLang = async (lang: string) => {
      if ((await page.evaluate('document.documentElement.lang')) !== lang) {
        await page.locator('[data-testid=lang-switch]').click();
        await expect.poll(() => page.evaluate('document.documentElement.lang')).toBe(lang);
      }
    };
    // The login page first, in both languages.
    await page.context().clearCookies();
    await page.goto(`${h.base}/`);
    await page.locator('#login-username').waitFor();
    for (const lang of ['zh-CN', 'en']) {
      await setLang(lang);
      await audit('login', lang);
    }
    await setLang('zh-CN');
    let screens = 0;
    for (const user of ['citylead', 'cityop', 'cityleader', 'cityhandler']) {
      await page.context().clearCookies();
      await loginThroughForm(page, h.base, user, CITY_PASSWORD);
      for (const lang of ['zh-CN', 'en'] as const) {
        await setLang(lang);
        const links = await page.locator('nav.side a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
        if (user === 'cityhandler') {
          expect(links).toEqual([]);
          await audit(`${user} no screens`, lang);
          screens++;
          continue;
        }
        for (const href of links) {
          await page.locator(`nav.side a[href="${href}"]`).click();
          await page.waitForURL(`**${href}`);
          if (href === '/city/districts') await page.locator('[data-testid=chart-districts]').waitFor();
          if (href.startsWith('/city/cases')) await page.locator('table.cases, main p.muted').first().waitFor();
          await audit(`${user} ${href}`, lang);
          if (href === '/city/provisional') {
            for (const button of await page.locator('[data-testid=overrule]').all()) {
              await button.click();
              await audit(`${user} overrule form`, lang);
              await button.click();
            }
          }
          if (user === 'citylead') await screenshot(page, `city-${lang}-${href.slice(6).replace(/[?=]/g, '-')}`);
          screens++;
        }
        // A case page, with every action form this role may open.
        for (const id of [ids.dispatched, ids.reported]) {
          await page.evaluate(
            `history.pushState(null, '', '/city/cases/${id}'); dispatchEvent(new PopStateEvent('popstate'))`,
          );
          await page.locator('article.city-case').waitFor();
          for (const action of await page.locator('button[data-action]').all()) {
            await action.click();
            await audit(`${user} case form ${await action.getAttribute('data-action')}`, lang);
            await action.click();
          }
          await audit(`${user} case`, lang);
          screens++;
        }
        if (user === 'citylead') await screenshot(page, `city-case-${lang}`);
      }
    }
    expect(problems).toEqual([]);
    expect(screens).toBeGreaterThan(25);
    b.assertNoExternalRequests();
  }, 240_000);

  it('keyboard only: the city-wide queue moves with ↑/↓ and Enter opens the case; Tab reaches its actions', async () => {
    const page = await b.newPage();
    await page.context().clearCookies();
    await loginThroughForm(page, h.base, 'citylead', CITY_PASSWORD);
    // A search in the URL fills the box; the nav's link clears it (the box follows the URL, not the other way round).
    await page.goto(`${h.base}/city/cases?q=${encodeURIComponent('井盖')}`);
    const rows = page.locator('table.cases tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.locator('[data-testid=filter-q]').inputValue()).toBe('井盖');
    await page.locator('nav.side a[data-screen="/city/cases"]').click();
    await expect.poll(() => page.locator('[data-testid=filter-q]').inputValue()).toBe('');
    await page.waitForTimeout(500); // longer than the search box's pause: it must not put the old search back
    expect(new URL(page.url()).search).toBe('');
    await page.locator('[data-testid=filter-district]').selectOption(DISTRICT);
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    const second = await rows.nth(1).getAttribute('data-case');
    expect(await page.evaluate('document.activeElement.getAttribute("data-case")')).toBe(second);
    await page.keyboard.press('End');
    const last = await rows.last().getAttribute('data-case');
    expect(await page.evaluate('document.activeElement.getAttribute("data-case")')).toBe(last);
    await page.keyboard.press('Home');
    const first = await rows.first().getAttribute('data-case');
    expect(await page.evaluate('document.activeElement.getAttribute("data-case")')).toBe(first);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/city/cases/${first}`);
    await page.locator('article.city-case').waitFor();
    await page.locator('#main').focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('document.activeElement?.hasAttribute("data-action")')) === true;
    }
    expect(reached).toBe(true);
    b.assertNoExternalRequests();
  }, 60_000);

  it('as the clock runs, the city sees lights turn red: the overdue queue and the district’s overdue count', async () => {
    h.edge.advance(120); // 11:50 on a working Monday: the 1-hour dispatch limits of 09:00 have passed
    const page = await b.newPage();
    await page.context().clearCookies();
    await loginThroughForm(page, h.base, 'citylead', CITY_PASSWORD);
    if ((await page.evaluate('document.documentElement.lang')) !== 'zh-CN') {
      await page.locator('[data-testid=lang-switch]').click(); // the language test left English chosen
    }
    await page.locator(`tr[data-district="${DISTRICT}"]`).waitFor();
    await expect
      .poll(async () =>
        Number(await page.locator(`tr[data-district="${DISTRICT}"] [data-testid=overdue]`).textContent()),
      )
      .toBeGreaterThan(0);
    await page.locator('nav.side a[data-screen="/city/cases?overdue=true"]').click();
    await page.waitForURL('**/city/cases?overdue=true');
    const rows = page.locator('table.cases tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    const lights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-light')));
    expect(new Set(lights)).toEqual(new Set(['red']));
    expect(await rows.first().locator('td.left').textContent()).toMatch(/^超期/);
    await screenshot(page, 'city-overdue-zh-CN');
    b.assertNoExternalRequests();
  }, 60_000);
});
