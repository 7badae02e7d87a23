-- Projections are rewritten on every touch of a case (a 2-4 KB jsonb state, compressed in TOAST): lz4 compresses
-- several times faster than the default pglz. A server built without lz4 (or PGlite) keeps pglz: same data, slower.
DO $$
BEGIN
  ALTER TABLE "cases" ALTER COLUMN "state" SET COMPRESSION lz4;
EXCEPTION WHEN others THEN
  RAISE NOTICE 'lz4 not available, cases.state keeps the default compression';
END
$$;
