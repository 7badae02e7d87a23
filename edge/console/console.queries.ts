import type { Principal } from '../auth/auth.service.js';
import type { EdgeDb } from '../db/open.js';
import { NO_DEADLINE } from '../db/schema.js';

/** Read models the console needs beyond the case API: map layers, queue counts, charts (one place for the SQL). */
export class ConsoleQueries {
  private gridCache: { key: string; body: string } | null = null;

  constructor(
    private readonly db: EdgeDb,
    private readonly utcOffsetMinutes: number,
  ) {}

  private get sql() {
    return this.db.$client;
  }

  /** A handler sees only their department's cases; everyone else the whole district. */
  private scope(p: Principal): { where: string; args: string[] } {
    return p.role === 'handler'
      ? { where: 'AND department_id = ?', args: [p.departmentId ?? ''] }
      : { where: '', args: [] };
  }

  /** All unit grids as GeoJSON (cached until the grid table changes). */
  gridsGeoJson(): string {
    const key = JSON.stringify(this.sql.prepare('SELECT count(*) n, max(code) m, min(code) l FROM grids').get());
    if (this.gridCache?.key === key) return this.gridCache.body;
    const rows = this.sql
      .prepare('SELECT code, community_name c, street_name s, geometry g FROM grids ORDER BY code')
      .all() as { code: string; c: string | null; s: string | null; g: string }[];
    const features = rows.map(
      (r) =>
        `{"type":"Feature","id":${Number(r.code.slice(-9))},"properties":${JSON.stringify({ code: r.code, community: r.c, street: r.s })},"geometry":${r.g}}`,
    );
    const body = `{"type":"FeatureCollection","features":[${features.join(',')}]}`;
    this.gridCache = { key, body };
    return body;
  }

  /** Open cases per grid with how many are yellow or red now. */
  gridStatus(p: Principal, now: number) {
    const s = this.scope(p);
    return this.sql
      .prepare(
        `SELECT grid_code gridCode, count(*) open,
           sum(CASE WHEN due < ? THEN 1 ELSE 0 END) red,
           sum(CASE WHEN due >= ? AND warn_at IS NOT NULL AND warn_at <= ? THEN 1 ELSE 0 END) yellow
         FROM cases WHERE queue <> 'done' AND grid_code IS NOT NULL ${s.where} GROUP BY grid_code`,
      )
      .all(now, now, now, ...s.args) as { gridCode: string; open: number; red: number; yellow: number }[];
  }

  /** Open cases as points with their light (for the map). */
  casePoints(p: Principal, now: number, limit: number) {
    const s = this.scope(p);
    const rows = this.sql
      .prepare(
        `SELECT id, case_number n, status, lon, lat,
           CASE WHEN due < ? THEN 'red' WHEN warn_at IS NOT NULL AND warn_at <= ? THEN 'yellow'
                WHEN due = ? THEN 'none' ELSE 'green' END light
         FROM cases WHERE queue <> 'done' AND lon IS NOT NULL ${s.where} ORDER BY due LIMIT ?`,
      )
      .all(now, now, NO_DEADLINE, ...s.args, limit) as {
      id: string;
      n: string | null;
      status: string;
      lon: number;
      lat: number;
      light: string;
    }[];
    return {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        properties: { id: r.id, caseNumber: r.n, status: r.status, light: r.light },
        geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      })),
    };
  }

  /** Cases per work queue, plus the cross-cutting lists (approvals, overdue, conflicts, provisional). */
  queueCounts(p: Principal, now: number): Record<string, number> {
    const s = this.scope(p);
    const counts: Record<string, number> = {};
    const rows = this.sql
      .prepare(`SELECT queue, count(*) n FROM cases WHERE queue <> 'done' ${s.where} GROUP BY queue`)
      .all(...s.args) as { queue: string; n: number }[];
    for (const r of rows) counts[r.queue] = r.n;
    const extra = this.sql
      .prepare(
        `SELECT sum(pending_approvals > 0) approvals, sum(due < ?) overdue, sum(conflicts > 0) conflicts,
           sum(provisional_pending > 0) provisional FROM cases WHERE 1 = 1 ${s.where}`,
      )
      .get(now, ...s.args) as Record<string, number | null>;
    for (const [k, v] of Object.entries(extra)) counts[k] = v ?? 0;
    return counts;
  }

  componentCategories(): { code: string; count: number }[] {
    return this.sql
      .prepare('SELECT category_code code, count(*) count FROM components GROUP BY category_code ORDER BY count DESC')
      .all() as { code: string; count: number }[];
  }

  components(category: string, bbox: [number, number, number, number] | null, limit: number) {
    const rows = (
      bbox
        ? this.sql
            .prepare(
              'SELECT id, name, status, lon, lat FROM components WHERE category_code = ? AND lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? LIMIT ?',
            )
            .all(category, bbox[0], bbox[2], bbox[1], bbox[3], limit)
        : this.sql
            .prepare('SELECT id, name, status, lon, lat FROM components WHERE category_code = ? LIMIT ?')
            .all(category, limit)
    ) as { id: string; name: string | null; status: string | null; lon: number; lat: number }[];
    return {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        properties: { id: r.id, name: r.name, status: r.status },
        geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      })),
    };
  }

  departments(): { id: string; name: string }[] {
    return this.sql.prepare('SELECT id, name FROM departments ORDER BY name').all() as { id: string; name: string }[];
  }

  /** Staff names for timelines (who did what); no usernames, no contact data. */
  people(): { id: string; displayName: string; role: string }[] {
    return this.sql.prepare('SELECT id, display_name displayName, role FROM users').all() as {
      id: string;
      displayName: string;
      role: string;
    }[];
  }

  collectors(): { id: string; displayName: string }[] {
    return this.sql
      .prepare("SELECT id, display_name displayName FROM users WHERE role = 'collector' AND disabled = 0 ORDER BY 2")
      .all() as { id: string; displayName: string }[];
  }

  /** Reported and closed cases per local day over the last `days`, and closure rate by department. */
  stats(p: Principal, now: number, days: number) {
    const s = this.scope(p);
    const off = `${this.utcOffsetMinutes >= 0 ? '+' : ''}${this.utcOffsetMinutes} minutes`;
    const from = new Date(now - days * 86_400_000).toISOString();
    const perDay = (column: string) =>
      this.sql
        .prepare(
          `SELECT date(${column}, ?) day, count(*) n FROM cases WHERE ${column} >= ? ${s.where} GROUP BY day ORDER BY day`,
        )
        .all(off, from, ...s.args) as { day: string; n: number }[];
    const reported = perDay('reported_at');
    const closed = perDay('closed_at');
    const dayList: string[] = [];
    for (let i = days - 1; i >= 0; i--) {
      dayList.push(new Date(now - i * 86_400_000 + this.utcOffsetMinutes * 60_000).toISOString().slice(0, 10));
    }
    const byDay = (rows: { day: string; n: number }[]) => {
      const m = new Map(rows.map((r) => [r.day, r.n]));
      return dayList.map((d) => m.get(d) ?? 0);
    };
    const departments = this.sql
      .prepare(
        `SELECT c.department_id id, coalesce(d.name, c.department_id) name, count(*) dispatched,
           sum(c.status = 'closed') closed, sum(c.due < ? AND c.queue <> 'done') overdue
         FROM cases c LEFT JOIN departments d ON d.id = c.department_id
         WHERE c.department_id IS NOT NULL AND c.status NOT IN ('voided', 'rejected') ${s.where.replace('department_id', 'c.department_id')}
         GROUP BY c.department_id ORDER BY dispatched DESC LIMIT 40`,
      )
      .all(now, ...s.args) as { id: string; name: string; dispatched: number; closed: number; overdue: number }[];
    return {
      days: dayList,
      reported: byDay(reported),
      closed: byDay(closed),
      departments: departments.map((d) => ({ ...d, closureRate: d.dispatched ? d.closed / d.dispatched : 0 })),
    };
  }
}
