import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { projectRoot } from '../db/open.js';

export type DeviceKind = 'vehicle' | 'collector';

export interface Device {
  id: number;
  deviceKey: string;
  kind: DeviceKind;
  subjectId: string;
  name: string;
  group: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface DeviceInput {
  deviceKey: string;
  kind: DeviceKind;
  subjectId: string;
  name: string;
  group: string;
  enabled?: boolean;
}

/** A row of `positions`, as written by the persist handler. */
export interface PositionRow {
  deviceId: number;
  ts: number;
  lat: number;
  lon: number;
  speed: number | null;
  heading: number | null;
  acc: number | null;
  flags: number;
  receivedAt: number;
}

export const FLAG_LATE = 1;
export const FLAG_MOVING = 2;

export interface AlarmRow {
  type: string;
  deviceId: number;
  fenceId: string | null;
  ts: number;
  lat: number | null;
  lon: number | null;
  speed: number | null;
  episodeId: string;
  candidateId: string | null;
  createdAt: number;
}

interface DeviceDbRow {
  id: number;
  device_key: string;
  kind: DeviceKind;
  subject_id: string;
  name: string;
  group_id: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}

const toDevice = (r: DeviceDbRow): Device => ({
  id: r.id,
  deviceKey: r.device_key,
  kind: r.kind,
  subjectId: r.subject_id,
  name: r.name,
  group: r.group_id,
  enabled: r.enabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The committed migrations of tracks.db (edge/gps/migrations/NNNN_name.sql), applied in order by user_version. */
function migrate(db: Database.Database): void {
  const dir = join(projectRoot(), 'edge', 'gps', 'migrations');
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (version <= current) continue;
    const sql = readFileSync(join(dir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  }
}

/**
 * tracks.db: the GPS feature's own SQLite file (DESIGN.md §3), separate from edge.db because positions are high
 * volume and pruned. WAL so readers (playback, SSE) never block the writer; synchronous=NORMAL because a power cut
 * may lose the last batch of positions but never corrupts the file (an acknowledged case report lives in edge.db,
 * which stays FULL). Every hot statement is prepared once.
 */
export class TracksStore {
  readonly db: Database.Database;
  private readonly insertPosition: Database.Statement;
  private readonly insertAlarm: Database.Statement;
  private readonly setAlarmCandidate: Database.Statement;
  private readonly pruneStmt: Database.Statement;
  private readonly firstRowStmt: Database.Statement;
  private readonly trackStmt: Database.Statement;
  private readonly writeBatch: (rows: readonly PositionRow[]) => number;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.insertPosition = this.db.prepare(
      `INSERT OR IGNORE INTO positions (device_id, ts, lat, lon, speed, heading, acc, flags, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAlarm = this.db.prepare(
      `INSERT OR IGNORE INTO alarms (type, device_id, fence_id, ts, lat, lon, speed, episode_id, candidate_id, created_at)
       VALUES (@type, @deviceId, @fenceId, @ts, @lat, @lon, @speed, @episodeId, @candidateId, @createdAt)`,
    );
    this.setAlarmCandidate = this.db.prepare('UPDATE alarms SET candidate_id = ? WHERE id = ?');
    this.pruneStmt = this.db.prepare('DELETE FROM positions WHERE rowid >= ? AND rowid < ? AND received_at < ?');
    this.firstRowStmt = this.db.prepare(
      'SELECT rowid AS id, received_at AS receivedAt FROM positions WHERE rowid >= ? ORDER BY rowid LIMIT 1',
    );
    this.trackStmt = this.db.prepare(
      `SELECT ts, lat, lon, speed, heading, acc, flags FROM positions
       WHERE device_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?`,
    );
    const insert = this.insertPosition;
    this.writeBatch = this.db.transaction((rows: readonly PositionRow[]) => {
      let written = 0;
      for (const r of rows) {
        written += insert.run(r.deviceId, r.ts, r.lat, r.lon, r.speed, r.heading, r.acc, r.flags, r.receivedAt).changes;
      }
      return written;
    });
  }

  /** One transaction for the batch; a repeat of (device, ts) is ignored. Returns rows actually written. */
  insertPositions(rows: readonly PositionRow[]): number {
    return rows.length === 0 ? 0 : this.writeBatch(rows);
  }

  /** Stores an alarm once per (type, episode); returns its id, or undefined when it was already stored. */
  addAlarm(row: AlarmRow): number | undefined {
    const r = this.insertAlarm.run(row);
    return r.changes === 1 ? Number(r.lastInsertRowid) : undefined;
  }

  linkCandidate(alarmId: number, candidateId: string): void {
    this.setAlarmCandidate.run(candidateId, alarmId);
  }

  /**
   * One retention step from rowid `from`: deletes rows received before `before` among the next `span` rowids, and
   * returns where to continue — undefined once the next row was received after `before` (rowids follow receipt
   * order, so everything after it is newer).
   */
  pruneStep(from: number, span: number, before: number): { deleted: number; next: number | undefined } {
    const first = this.firstRowStmt.get(from) as { id: number; receivedAt: number } | undefined;
    if (!first || first.receivedAt >= before) return { deleted: 0, next: undefined };
    const deleted = this.pruneStmt.run(first.id, first.id + span, before).changes;
    const after = this.firstRowStmt.get(first.id + span) as { id: number; receivedAt: number } | undefined;
    return { deleted, next: after && after.receivedAt < before ? after.id : undefined };
  }

  track(
    deviceId: number,
    from: number,
    to: number,
    limit: number,
  ): {
    ts: number;
    lat: number;
    lon: number;
    speed: number | null;
    heading: number | null;
    acc: number | null;
    flags: number;
  }[] {
    return this.trackStmt.all(deviceId, from, to, limit) as never;
  }

  upsertDevice(input: DeviceInput, now: number): { device: Device; created: boolean } {
    const existing = this.deviceByKey(input.deviceKey);
    if (existing) {
      this.db
        .prepare(
          'UPDATE devices SET kind = ?, subject_id = ?, name = ?, group_id = ?, enabled = ?, updated_at = ? WHERE id = ?',
        )
        .run(input.kind, input.subjectId, input.name, input.group, input.enabled === false ? 0 : 1, now, existing.id);
      return { device: this.deviceById(existing.id) as Device, created: false };
    }
    const r = this.db
      .prepare(
        `INSERT INTO devices (device_key, kind, subject_id, name, group_id, enabled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        input.deviceKey,
        input.kind,
        input.subjectId,
        input.name,
        input.group,
        input.enabled === false ? 0 : 1,
        now,
        now,
      );
    return { device: this.deviceById(Number(r.lastInsertRowid)) as Device, created: true };
  }

  deviceByKey(key: string): Device | undefined {
    const r = this.db.prepare('SELECT * FROM devices WHERE device_key = ?').get(key) as DeviceDbRow | undefined;
    return r ? toDevice(r) : undefined;
  }

  deviceById(id: number): Device | undefined {
    const r = this.db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as DeviceDbRow | undefined;
    return r ? toDevice(r) : undefined;
  }

  devices(): Device[] {
    return (this.db.prepare('SELECT * FROM devices ORDER BY id').all() as DeviceDbRow[]).map(toDevice);
  }

  alarms(from: number, to: number, limit: number, deviceId?: number): (AlarmRow & { id: number; deviceKey: string })[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.type, a.device_id AS deviceId, d.device_key AS deviceKey, a.fence_id AS fenceId, a.ts, a.lat,
                a.lon, a.speed, a.episode_id AS episodeId, a.candidate_id AS candidateId, a.created_at AS createdAt
         FROM alarms a JOIN devices d ON d.id = a.device_id
         WHERE a.ts >= ? AND a.ts < ? ${deviceId === undefined ? '' : 'AND a.device_id = ?'}
         ORDER BY a.ts DESC LIMIT ?`,
      )
      .all(...(deviceId === undefined ? [from, to, limit] : [from, to, deviceId, limit]));
    return rows as never;
  }

  positionCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM positions').get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
