import type { DepartmentLevel } from '../basedata/index.js';
import { creditCodeCheckChar } from '../basedata/index.js';
import type { DemoStreet } from './district.js';
import type { Random } from './random.js';

/** A department of the demo district; `id` is what dispatch, users and the responsibility table name. */
export interface DemoDepartment {
  id: string;
  name: string;
  level: DepartmentLevel;
  creditCode: string;
  /** Street office of this street code, when it is one. */
  streetCode?: string;
}

// GB 32100-2015 positions 1–2: registration authority + organisation type.
const AGENCY = '11'; // 机构编制 · 机关
const INSTITUTION = '12'; // 机构编制 · 事业单位
const COMPANY = '91'; // 工商 · 企业

/** District departments: [id, name, kind]; ids are short and stable so configs and the CLI can name them. */
const DISTRICT_DEPARTMENTS: readonly (readonly [string, string, string])[] = [
  ['szc', '溧阳市市政设施管理处', INSTITUTION],
  ['hwc', '溧阳市环境卫生管理处', INSTITUTION],
  ['ylc', '溧阳市园林绿化管理处', INSTITUTION],
  ['ldc', '溧阳市路灯管理所', INSTITUTION],
  ['jjdd', '溧阳市公安局交通警察大队', AGENCY],
  ['zf1', '溧阳市城市管理行政执法大队第一中队', AGENCY],
  ['zf2', '溧阳市城市管理行政执法大队第二中队', AGENCY],
  ['zjj', '溧阳市住房和城乡建设局', AGENCY],
  ['jtj', '溧阳市交通运输局', AGENCY],
  ['slj', '溧阳市水利局', AGENCY],
  ['sthj', '常州市溧阳生态环境局', AGENCY],
  ['scjg', '溧阳市市场监督管理局', AGENCY],
  ['gaj', '溧阳市公安局', AGENCY],
  ['wgl', '溧阳市文体广电和旅游局', AGENCY],
  ['zrzy', '溧阳市自然资源和规划局', AGENCY],
  ['xfjy', '溧阳市消防救援大队', AGENCY],
];

const ENTERPRISES: readonly (readonly [string, string])[] = [
  ['power', '国网江苏省电力有限公司溧阳市供电分公司'],
  ['telecom', '中国电信股份有限公司溧阳分公司'],
  ['mobile', '中国移动通信集团江苏有限公司溧阳分公司'],
  ['unicom', '中国联合网络通信有限公司溧阳市分公司'],
  ['water', '溧阳市自来水有限公司'],
  ['gas', '溧阳港华燃气有限公司'],
  ['bus', '溧阳市公共交通有限公司'],
  ['catv', '江苏有线网络发展有限责任公司溧阳分公司'],
  ['post', '中国邮政集团有限公司溧阳市分公司'],
];

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code: 8 digits + check character (0–9 or X). */
function organisationCode(random: Random): string {
  const digits = Array.from({ length: 8 }, () => random.int(0, 9));
  const sum = digits.reduce((s, d, i) => s + d * (ORG_WEIGHTS[i] ?? 0), 0);
  const check = 11 - (sum % 11);
  return digits.join('') + (check === 10 ? 'X' : check === 11 ? '0' : String(check));
}

/** A valid 18-character unified social credit code (GB 32100-2015) registered in `division`. */
export function creditCode(prefix: string, division: string, random: Random): string {
  const first17 = `${prefix}${division}${organisationCode(random)}`;
  return first17 + creditCodeCheckChar(first17);
}

/** Street office id of a street. */
export const streetOfficeId = (street: DemoStreet) => `st${String(street.index + 1).padStart(2, '0')}`;

/** The enforcement squad (城管执法中队) of a street: the west half of the district has 一中队, the east half 二中队. */
export const squadOf = (street: DemoStreet, streets: number) => (street.index < streets / 2 ? 'zf1' : 'zf2');

/** ~33 departments: district bureaus and institutions, utility companies, and one office per street. */
export function makeDepartments(division: string, streets: readonly DemoStreet[], random: Random): DemoDepartment[] {
  const out: DemoDepartment[] = [];
  for (const [id, name, prefix] of DISTRICT_DEPARTMENTS) {
    out.push({ id, name, level: 'district', creditCode: creditCode(prefix, division, random) });
  }
  for (const [id, name] of ENTERPRISES) {
    out.push({ id, name, level: 'enterprise', creditCode: creditCode(COMPANY, division, random) });
  }
  for (const street of streets) {
    out.push({
      id: streetOfficeId(street),
      name: `溧阳市${street.name}办事处`,
      level: 'street',
      creditCode: creditCode(AGENCY, division, random),
      streetCode: street.code,
    });
  }
  return out;
}

/** The departments CSV the departments importer reads (id,name,creditCode,level). */
export function departmentsCsv(departments: readonly DemoDepartment[]): string {
  const lines = ['id,name,creditCode,level'];
  for (const d of departments) lines.push([d.id, d.name, d.creditCode, d.level].join(','));
  return `${lines.join('\n')}\n`;
}
