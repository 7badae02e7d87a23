/**
 * Where the console runs: a district's edge, or central (the municipal supervision centre), which marks the page it
 * serves with `<meta name="wanmi-site" content="central">`. Read once at start, no request needed.
 */
export type Site = 'edge' | 'central';

export function detectSite(doc: Document = document): Site {
  return doc.querySelector('meta[name="wanmi-site"]')?.getAttribute('content') === 'central' ? 'central' : 'edge';
}
