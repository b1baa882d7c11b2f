export { runEpoch, runEpochFields, RUN_EPOCH_DEFAULTS } from './run-epoch.js';
export type { RunEpochOptions } from './run-epoch.js';
export { prepareEpoch, prepareNormalized, PreparedEpoch } from './prepare.js';
export { arraysToEpochInput, epochInputToArrays, isEpochArrays, pairsToCsr, prepareEpochArrays } from './arrays.js';
export type { CsrArrays, EpochArrays } from './arrays.js';
export { csrToPairs, lazyRowsCsr, withLazyRows } from './lazy-rows.js';
export type { RowsKey } from './lazy-rows.js';
export { bondsArrays } from './output.js';
export type { BondsArrays } from './output.js';
export { validateEpochInput, effectiveActivityCutoff, readInt, readU64 } from './validate.js';
export { EPOCH_DEFAULTS } from './defaults.js';
export type { EpochInput, EpochOutput, EpochBits, EpochMode, NormalizedEpochInput, SparseRow, U64Like } from './types.js';
export { referenceEpoch } from './reference/index.js';
// The reference's fixed-point primitives: the oracle the wasm engine's fixed point is tested against (test/wasm).
export { expSafe, fixedProportionToU16, I32F32, I96F32 } from './reference/index.js';
export { exampleSubnet, runExample } from './example.js';
export type { ExampleEpoch, ExampleRole, ExampleSubnet } from './example.js';
export { syntheticSubnet } from './synthetic.js';
export type { SyntheticOptions } from './synthetic.js';
