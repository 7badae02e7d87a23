// 基础数据资源管理: importers for grids, components, departments, the responsibility table and the standards table.
export { type BaseDataFiles, importBaseData } from './base-data.import.js';
export {
  COORDINATE_COLUMNS,
  type ComponentHeaderSet,
  type ComponentRow,
  componentColumns,
  componentStatuses,
  importComponents,
  parseComponents,
} from './components.importer.js';
export { creditCodeCheckChar, isCreditCode, parseCreditCode } from './credit-code.js';
export { type CsvRecord, CsvSyntaxError, parseCsv } from './csv.js';
export {
  DEPARTMENT_COLUMNS,
  type DepartmentLevel,
  type DepartmentRow,
  departmentLevels,
  importDepartments,
  parseDepartments,
} from './departments.importer.js';
export { GRID_PROPERTIES, type GridRow, importGrids, parseGrids } from './grids.importer.js';
export type { ImportOptions, ImportResult, ParseContext, ParseResult } from './importer.js';
export { type BaseDataKind, baseDataKinds, ImportError, type ImportProblem, MAX_REPORTED } from './problems.js';
export {
  areaCodesOf,
  findResponsibleDepartment,
  importResponsibilities,
  parseAreaCode,
  parseResponsibilities,
  RESPONSIBILITY_COLUMNS,
  type ResponsibilityQuery,
  type ResponsibilityRow,
} from './responsibilities.importer.js';
export {
  chineseLimitUnits,
  importStandards,
  parseLimitUnit,
  parseStandards,
  STANDARD_COLUMNS,
  type StandardRow,
  type Urgency,
  urgencies,
} from './standards.importer.js';
export { type ImportMode, importModes, PROGRESS_EVERY, type ProgressCallback } from './writer.js';
