-- tracks.db v1: enrolled devices, positions (high volume, pruned by retention) and alarms.

-- A tracked device: a vehicle tracker or a collector's handset, bound to its MQTT identity (device key).
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  -- `vehicle:<vehicleId>` or `owntracks:<user>/<device>` (shared/mqtt decoders)
  device_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('vehicle', 'collector')),
  -- plate or vehicle number (车牌/车号), or the collector's user id (采集员)
  subject_id TEXT NOT NULL,
  name TEXT NOT NULL,
  -- vehicle group the geofences apply to, e.g. `muck-permit-0142`, `sanitation`, `collectors`
  group_id TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- One accepted fix. ts and received_at are epoch ms; speed km/h; flags bit 0 = late (arrived after a newer fix),
-- bit 1 = moving. Rows are inserted in receipt order, so rowid order is received_at order: retention deletes rowid
-- ranges from the start and needs no time index (one index less on the hottest insert).
CREATE TABLE positions (
  device_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  speed REAL,
  heading REAL,
  acc REAL,
  flags INTEGER NOT NULL DEFAULT 0,
  received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX positions_device_ts ON positions (device_id, ts);

-- Alarms raised from positions (geofence engine) and device wills; idempotent per (type, episode).
CREATE TABLE alarms (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  device_id INTEGER NOT NULL,
  fence_id TEXT,
  ts INTEGER NOT NULL,
  lat REAL,
  lon REAL,
  speed REAL,
  episode_id TEXT NOT NULL,
  candidate_id TEXT,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX alarms_type_episode ON alarms (type, episode_id);
CREATE INDEX alarms_ts ON alarms (ts);
