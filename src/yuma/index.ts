export { runEpoch, runEpochFields, RUN_EPOCH_DEFAULTS } from './run-epoch.js';
export type { RunEpochOptions } from './run-epoch.js';
export { prepareEpoch, prepareNormalized, PreparedEpoch } from './prepare.js';
export { validateEpochInput, effectiveActivityCutoff, readInt, readU64 } from './validate.js';
export { EPOCH_DEFAULTS } from './defaults.js';
export type { EpochInput, EpochOutput, EpochBits, EpochMode, NormalizedEpochInput, SparseRow, U64Like } from './types.js';
export { referenceEpoch } from './reference/index.js';
