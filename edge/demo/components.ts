import { standardDirectory } from '../../shared/codes/index.js';
import { COMPONENT_CATEGORIES, type Responsible } from './catalogue.js';
import type { DemoDepartment } from './departments.js';
import { squadOf, streetOfficeId } from './departments.js';
import type { DemoDistrict, DemoGrid } from './district.js';
import { pointIn } from './district.js';
import { type Random, WeightedPicker } from './random.js';
import { csvCell } from './tables.js';

/** A component the case history may report a problem about. */
export interface DemoComponent {
  id: string;
  lon: number;
  lat: number;
  grid: DemoGrid;
}

export interface DemoComponents {
  /** CSV with GB/T 47678.5 table 2 headers (GLBJBSM…), as the components importer reads it. */
  csv: string;
  count: number;
  /** Components of the categories named in `keep`, by category code, for the case history to pick from. */
  byCategory: Map<string, DemoComponent[]>;
}

const HEADER = 'GLBJBSM,GLBJMC,ZGBMDM,ZGBMMC,QSDWDM,QSDWMC,SZDYWGBSM,GLBJZT,CSRQ,BGRQ,SJLY,X,Y';
const STATUSES: readonly (readonly [string, number])[] = [
  ['完好', 90],
  ['破损', 6],
  ['丢失', 1],
  ['废弃', 2],
  ['移除', 1],
];

/** Resolves a catalogue owner (`street`, `squad` or an id) to the department of a place. */
export function responsibleDepartment(
  who: Responsible,
  grid: DemoGrid,
  district: DemoDistrict,
  byId: ReadonlyMap<string, DemoDepartment>,
): DemoDepartment {
  const street = district.streets.find((s) => s.code === grid.streetCode);
  if (!street) throw new Error(`grid ${grid.code} names an unknown street ${grid.streetCode}`);
  const id =
    who === 'street' ? streetOfficeId(street) : who === 'squad' ? squadOf(street, district.streets.length) : who;
  const department = byId.get(id);
  if (!department) throw new Error(`the demo catalogue names an unknown department ${id}`);
  return department;
}

/** Every date from 1 January of `fromYear` to 31 December of `toYear`, as YYYY-MM-DD. */
function datesBetween(fromYear: number, toYear: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(fromYear, 0, 1); t <= Date.UTC(toYear, 11, 31); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/**
 * `count` components spread over the grids, categories drawn by their catalogue weight, ids numbered per category
 * (17 digits: division + category + 6-digit sequence). Names come from the standard directory.
 */
export function makeComponents(
  district: DemoDistrict,
  departments: readonly DemoDepartment[],
  count: number,
  keep: ReadonlySet<string>,
  random: Random,
): DemoComponents {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const surveyed = datesBetween(2015, 2024);
  const changedOn = datesBetween(2025, 2025);
  // Per category and street, the CSV cells that do not vary (name and departments): 150,000 rows stay cheap.
  const fixedCells = new Map<string, string>();
  const cellsOf = (code: string, owner: Responsible, grid: DemoGrid) => {
    const key = `${code}@${grid.streetCode}`;
    let cells = fixedCells.get(key);
    if (cells === undefined) {
      const dept = responsibleDepartment(owner, grid, district, byId);
      const name = standardDirectory.require('component', code).name;
      cells = [name, dept.creditCode, dept.name, dept.creditCode, dept.name].map(csvCell).join(',');
      fixedCells.set(key, cells);
    }
    return cells;
  };
  const picker = new WeightedPicker(COMPONENT_CATEGORIES.map(([code, weight, owner]) => [{ code, owner }, weight]));
  const statuses = new WeightedPicker(STATUSES);
  const sequence = new Map<string, number>();
  const byCategory = new Map<string, DemoComponent[]>();
  const lines: string[] = [HEADER];
  for (let n = 0; n < count; n++) {
    const { code, owner } = picker.pick(random);
    const grid = random.pick(district.grids);
    const seq = (sequence.get(code) ?? 0) + 1;
    sequence.set(code, seq);
    const id = `${district.division}${code}${String(seq).padStart(6, '0')}`;
    const [lon, lat] = pointIn(grid, random, 0.02);
    const changed = random.chance(0.2) ? random.pick(changedOn) : '';
    const status = statuses.pick(random);
    const surveyDate = random.pick(surveyed);
    lines.push(
      `${id},${cellsOf(code, owner, grid)},${grid.code},${status},${surveyDate},${changed},2024年部件普查,${lon},${lat}`,
    );
    if (keep.has(code)) {
      const list = byCategory.get(code) ?? [];
      list.push({ id, lon, lat, grid });
      byCategory.set(code, list);
    }
  }
  return { csv: `${lines.join('\n')}\n`, count, byCategory };
}
