import type { CentralDbOptions } from '../../central/db/open.js';
import { openCentralDb } from '../../central/db/open.js';
import { createCentralApp } from '../../central/http/app.js';
import { CentralCaseLog } from '../../central/sync/case-log.js';
import { SyncService } from '../../central/sync/sync.service.js';
import { defaultFoldConfig } from '../../shared/case/config.js';
import { HybridLogicalClock } from '../../shared/identity/hlc.js';

export const CITY_ORIGIN = 'city:320400';

/** Central on PGlite (default) or a real PostgreSQL URL, with its app reachable through `fetch` (no socket). */
export async function startCentral(options: CentralDbOptions = { kind: 'pglite' }, now: () => number = Date.now) {
  const { db, close } = await openCentralDb(options);
  const log = new CentralCaseLog({
    db,
    foldConfig: defaultFoldConfig,
    cityOrigin: CITY_ORIGIN,
    hlc: new HybridLogicalClock({ now }),
    now,
  });
  const sync = new SyncService({ db, log, now });
  const app = createCentralApp({ sync });
  /** A link the test can cut: while `down`, every request fails like a dropped connection. */
  const link = { down: false };
  const fetchViaLink: typeof fetch = async (input, init) => {
    if (link.down) throw new TypeError('fetch failed: connect ECONNREFUSED (link cut by the test)');
    return app.request(String(input), init);
  };
  return { db, log, sync, app, link, fetch: fetchViaLink, close };
}
