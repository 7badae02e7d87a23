import { standardDirectory } from '../../shared/codes/index.js';
import { CASE_CATEGORIES, COMPONENT_CATEGORIES, type DemoCondition, genericComponentConditions } from './catalogue.js';
import { squadOf, streetOfficeId } from './departments.js';
import type { DemoDistrict } from './district.js';

/** Quotes a CSV cell when it needs it (RFC 4180). */
export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/u.test(text) ? `"${text.replace(/"/gu, '""')}"` : text;
}

const csvLine = (cells: readonly (string | number)[]) => cells.map(csvCell).join(',');

/**
 * The responsibility table (category × area → department): case categories and street-run component categories
 * per street (9-digit area codes), the other component categories district-wide (the 6-digit division).
 */
export function responsibilitiesCsv(district: DemoDistrict): string {
  const lines = ['categoryKind,categoryCode,areaCode,departmentId'];
  const perStreet = (kind: string, code: string, who: string) => {
    for (const street of district.streets) {
      const id =
        who === 'street' ? streetOfficeId(street) : who === 'squad' ? squadOf(street, district.streets.length) : who;
      lines.push(csvLine([kind, code, street.code, id]));
    }
  };
  const covered = new Set<string>();
  for (const category of CASE_CATEGORIES) {
    perStreet(category.kind, category.code, category.responsible);
    covered.add(`${category.kind}/${category.code}`);
  }
  for (const [code, , owner] of COMPONENT_CATEGORIES) {
    if (covered.has(`component/${code}`)) continue;
    if (owner === 'street' || owner === 'squad') perStreet('component', code, owner);
    else lines.push(csvLine(['component', code, district.division, owner]));
  }
  return `${lines.join('\n')}\n`;
}

/** The 立案、处置和结案标准 table: the case categories' own conditions, generic ones for other components. */
export function standardsCsv(): string {
  const lines = [
    'categoryKind,categoryCode,conditionNo,filingCondition,limitAmount,limitUnit,closingCondition,urgency',
  ];
  const add = (kind: string, code: string, conditions: readonly DemoCondition[]) => {
    conditions.forEach((cond, i) => {
      lines.push(csvLine([kind, code, i + 1, cond.filing, cond.amount, cond.unit, cond.closing, cond.urgency]));
    });
  };
  const covered = new Set<string>();
  for (const category of CASE_CATEGORIES) {
    add(category.kind, category.code, category.conditions);
    covered.add(`${category.kind}/${category.code}`);
  }
  for (const [code] of COMPONENT_CATEGORIES) {
    if (covered.has(`component/${code}`)) continue;
    add('component', code, genericComponentConditions(standardDirectory.require('component', code).name));
  }
  return `${lines.join('\n')}\n`;
}
