// Public API of the codes module: GB/T 47678 unit grid codes, component ids, matter codes and the category directory.
export {
  type CategoryCode,
  type CategoryKind,
  type CategoryRow,
  categoryCodeSchema,
  categoryKinds,
  isCategoryKind,
  parseCategoryCode,
} from './category.js';
export {
  type ComponentId,
  type ComponentIdFormat,
  type ComponentIdOptions,
  componentIdSchema,
  componentIdSchemaFor,
  legacyCategoryCode,
  legacyComponentIdToGbt,
  parseComponentId,
  parseGbtComponentId,
  parseLegacyComponentId,
} from './component-id.js';
export {
  buildCategoryDirectory,
  CategoryDirectory,
  type CategoryEntry,
  type CategoryExtensions,
  type CategoryOrigin,
  categoryExtensionsSchema,
  type ExtensionCategory,
  extensionCategorySchema,
  type MajorClass,
  standardDirectory,
} from './directory.js';
export { type DivisionCode, divisionCodeSchema, parseDivisionCode } from './division.js';
export {
  type CommunityCode,
  communityCodeOf,
  communityCodeSchema,
  type GridCode,
  gridCodeSchema,
  isGridInCommunity,
  parseCommunityCode,
  parseGridCode,
  parseStreetCode,
  type StreetCode,
  streetCodeOf,
  streetCodeSchema,
} from './grid-code.js';
export {
  type MatterCode,
  type MatterCodeOptions,
  matterCodeSchema,
  matterCodeSchemaFor,
  parseMatterCode,
} from './matter-code.js';
