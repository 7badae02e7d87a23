import { z } from 'zod';
import { parseOrThrow, ValidationError } from '../validation.js';
import {
  type CategoryKind,
  type CategoryRow,
  categoryCodeSchema,
  categoryKinds,
  checkCategoryRows,
} from './category.js';
import { standardCategoryRows } from './directory.data.js';

/** Where an entry comes from: the national standard's annex or the city's extension config. */
export type CategoryOrigin = 'standard' | 'extension';

/** One category in a directory; (kind, code) is the key. */
export type CategoryEntry = Readonly<CategoryRow & { origin: CategoryOrigin }>;

/** A major class (大类) of one kind, with how many minor classes it holds. */
export interface MajorClass {
  kind: CategoryKind;
  majorCode: string;
  majorName: string;
  count: number;
}

const nameSchema = z
  .string({ error: 'must be a string' })
  .max(100, { error: 'must be at most 100 characters' })
  .regex(/^\S(.*\S)?$/u, { error: 'must be one non-empty line without leading or trailing whitespace' });

/** Zod schema for one city extension category (config). */
export const extensionCategorySchema = z
  .strictObject({
    kind: z.enum(categoryKinds, { error: 'must be component or matter' }),
    code: categoryCodeSchema,
    majorCode: z.string({ error: 'must be a string' }).regex(/^(0[1-9]|[1-9][0-9])$/u, {
      error: 'must be 2 digits, 01–99',
    }),
    majorName: nameSchema,
    name: nameSchema,
  })
  .superRefine((entry, ctx) => {
    if (!entry.code.startsWith(entry.majorCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['majorCode'],
        message: `must be the first two digits of code ${entry.code}, got ${entry.majorCode}`,
      });
    }
  });
export type ExtensionCategory = z.infer<typeof extensionCategorySchema>;

/**
 * Zod schema for a city's extension categories (config). Codes must be new (checked when building the directory):
 * renaming a standard code would change its meaning in data exchanged with other systems.
 */
export const categoryExtensionsSchema = z.array(extensionCategorySchema, { error: 'must be a list of categories' });
export type CategoryExtensions = z.infer<typeof categoryExtensionsSchema>;

const keyOf = (kind: CategoryKind, code: string) => `${kind}/${code}`;
const byKindThenCode = (a: CategoryEntry, b: CategoryEntry) =>
  categoryKinds.indexOf(a.kind) - categoryKinds.indexOf(b.kind) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

/** The component and matter categories a city uses: the standard directory plus its extensions. */
export class CategoryDirectory {
  readonly #entries: readonly CategoryEntry[];
  readonly #byKey: ReadonlyMap<string, CategoryEntry>;

  /** Builds a directory; throws ValidationError when a key repeats or a major class has two names. */
  constructor(entries: readonly CategoryEntry[]) {
    checkCategoryRows(entries, (_, column) => `category.${column}`);
    this.#entries = Object.freeze(entries.map((entry) => Object.freeze({ ...entry })).sort(byKindThenCode));
    this.#byKey = new Map(this.#entries.map((entry) => [keyOf(entry.kind, entry.code), entry]));
  }

  /** Number of categories of both kinds. */
  get size(): number {
    return this.#entries.length;
  }

  /** All categories, or those of one kind, ordered by kind then code. */
  entries(kind?: CategoryKind): readonly CategoryEntry[] {
    return kind ? this.#entries.filter((entry) => entry.kind === kind) : this.#entries;
  }

  /** The category with this kind and 5-digit code, or undefined. */
  get(kind: CategoryKind, code: string): CategoryEntry | undefined {
    return this.#byKey.get(keyOf(kind, code));
  }

  /** Whether the directory holds this kind and code. */
  isKnown(kind: CategoryKind, code: string): boolean {
    return this.#byKey.has(keyOf(kind, code));
  }

  /** The category, or a ValidationError('category', 'unknown category <kind>/<code>'). */
  require(kind: CategoryKind, code: string): CategoryEntry {
    const entry = this.get(kind, code);
    if (!entry) throw new ValidationError('category', `unknown category ${keyOf(kind, code)}`);
    return entry;
  }

  /** The major classes of one kind, ordered by code. */
  majors(kind: CategoryKind): MajorClass[] {
    const majors = new Map<string, MajorClass>();
    for (const entry of this.entries(kind)) {
      const major = majors.get(entry.majorCode);
      if (major) major.count++;
      else majors.set(entry.majorCode, { kind, majorCode: entry.majorCode, majorName: entry.majorName, count: 1 });
    }
    return [...majors.values()];
  }

  /** The minor classes in one major class of one kind, ordered by code (empty for an unknown major). */
  minors(kind: CategoryKind, majorCode: string): CategoryEntry[] {
    return this.entries(kind).filter((entry) => entry.majorCode === majorCode);
  }

  /** Categories whose name contains `text` (trimmed, case-insensitive); an empty text matches every name. */
  search(text: string, kind?: CategoryKind): CategoryEntry[] {
    const needle = text.trim().toLowerCase();
    return this.entries(kind).filter((entry) => entry.name.toLowerCase().includes(needle));
  }

  /** A new directory with the city's extension categories (validated config) added; codes must be new. */
  extend(extensions: unknown, root = 'extensions'): CategoryDirectory {
    const added = parseOrThrow(categoryExtensionsSchema, extensions, root).map(
      (entry): CategoryEntry => ({ ...entry, origin: 'extension' }),
    );
    const base = this.#entries.length;
    const all = [...this.#entries, ...added];
    const entryPath = (index: number) => (index < base ? 'category' : `${root}[${index - base}]`);
    checkCategoryRows(all, (index, column) => `${entryPath(index)}.${column}`);
    return new CategoryDirectory(all);
  }
}

/** The GB/T 47678.5-2026 directory without city extensions. */
export const standardDirectory = new CategoryDirectory(
  standardCategoryRows.map((row): CategoryEntry => ({ ...row, origin: 'standard' })),
);

/** The standard directory plus a city's extension categories (config, validated by categoryExtensionsSchema). */
export function buildCategoryDirectory(extensions: unknown = []): CategoryDirectory {
  return standardDirectory.extend(extensions);
}
