import { syncSpec } from './sync-spec.js';

// The fast suite: central on PGlite (PostgreSQL compiled to WebAssembly, in-process).
syncSpec('PGlite', async () => ({ options: { kind: 'pglite' }, teardown: async () => undefined }));
