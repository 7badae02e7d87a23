import type { CentralDbOptions } from '../../central/db/open.js';
import { buildCentral } from '../../central/main.js';

export const CITY_ORIGIN = 'city:320400';

/** Central on PGlite (default) or a real PostgreSQL URL, with its app reachable through `fetch` (no socket). */
export async function startCentral(options: CentralDbOptions = { kind: 'pglite' }, now: () => number = Date.now) {
  const central = await buildCentral({ db: options, city: '320400', now });
  const { app } = central;
  /** A link the test can cut: while `down`, every request fails like a dropped connection. */
  const link = { down: false };
  const fetchViaLink: typeof fetch = async (input, init) => {
    if (link.down) throw new TypeError('fetch failed: connect ECONNREFUSED (link cut by the test)');
    return app.request(String(input), init);
  };
  return { ...central, link, fetch: fetchViaLink };
}
