/**
 * Runs in the page: every visible string that is not user data, every control's accessible name.
 * Data (case descriptions, category names from the national directory, people's names) is marked `.data` and may be
 * Chinese in either language; everything else must come from the catalogue. Used for the edge's screens and for
 * central's (the `city.` keys).
 */
export const consoleAuditScript = `(() => {
  const rawKey = /^(app|nav|queue|col|light|time|status|step|flag|kind|source|case|event|action|op|field|unit|report|map|charts|vehicles|video|health|login|role|basis|city)\\.[A-Za-z0-9_.-]+$/;
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

export type AuditResult = { rawKeys: string[]; chinese: string[]; english: string[]; unlabelled: string[] };
