import { foldConfigSchema } from '../../shared/case/config.js';
import { foldCase } from '../../shared/case/fold.js';

/** Folds with a configuration given as a city would write it (validated by the same schema). */
export function foldCaseConfigured(events: readonly unknown[], config: unknown) {
  return foldCase(events, foldConfigSchema.parse(config));
}
