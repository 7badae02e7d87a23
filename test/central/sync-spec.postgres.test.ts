import { startPostgres } from '../support/postgres.js';
import { syncSpec } from './sync-spec.js';

// The integration suite: the same spec on a private PostgreSQL 15 cluster (fails loudly when the server is missing).
syncSpec('PostgreSQL 15', async () => {
  const pg = await startPostgres();
  return { options: { kind: 'postgres', url: pg.url, poolSize: 5 }, teardown: () => pg.destroy() };
});
