import {
  type CategoryDirectory,
  type CategoryKind,
  isCategoryKind,
  parseCategoryCode,
} from '../../shared/codes/index.js';
import { ValidationError } from '../../shared/validation.js';
import type { RowCheck } from './problems.js';

/** The categoryKind and categoryCode columns of a row: a (kind, code) the directory knows, else problems. */
export function parseCategory(
  check: RowCheck,
  kindValue: string,
  codeValue: string,
  directory: CategoryDirectory,
): { kind: CategoryKind; code: string } | undefined {
  const kind = check.take('categoryKind', () => {
    if (!isCategoryKind(kindValue))
      throw new ValidationError('categoryKind', `must be component or matter, got "${kindValue}"`);
    return kindValue;
  });
  const code = check.take('categoryCode', () => {
    const parsed = parseCategoryCode(codeValue, 'categoryCode').code;
    if (kind && !directory.isKnown(kind, parsed)) {
      throw new ValidationError('categoryCode', `unknown category ${kind}/${parsed}: not in the category directory`);
    }
    return parsed;
  });
  return kind && code ? { kind, code } : undefined;
}
