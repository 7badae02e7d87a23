import { z } from 'zod';
import type { SpecialOp } from './events.js';
import type { Role } from './roles.js';
import { roles } from './roles.js';

const owner = z.enum(['city', 'district'], { error: 'must be city or district' });
const approverList = z
  .array(z.enum(roles, { error: `must be one of ${roles.join(', ')}` }))
  .min(1, { error: 'needs at least one role' });

/**
 * Fold configuration: who owns which kind of step (一级监督、两级指挥) and which positions approve each special
 * operation. Defaults follow DOMAIN.md §2 and DESIGN.md §4; a city may change them.
 */
export const foldConfigSchema = z.strictObject({
  authority: z
    .strictObject({ supervision: owner.default('city'), command: owner.default('district') })
    .default({ supervision: 'city', command: 'district' }),
  approvers: z
    .strictObject({
      return: approverList.default(['dispatcher']),
      extension: approverList.default(['dispatcher']),
      postpone: approverList.default(['dispatcher']),
      void: approverList.default(['shift_lead']),
      ledger: approverList.default(['dispatcher']),
    })
    .default({
      return: ['dispatcher'],
      extension: ['dispatcher'],
      postpone: ['dispatcher'],
      void: ['shift_lead'],
      ledger: ['dispatcher'],
    }),
});

export type FoldConfig = z.output<typeof foldConfigSchema>;
export const defaultFoldConfig: FoldConfig = foldConfigSchema.parse({});

export function approversOf(config: FoldConfig, op: SpecialOp): readonly Role[] {
  return config.approvers[op];
}
