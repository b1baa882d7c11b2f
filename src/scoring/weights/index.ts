export { castFor, f32, numpyCumsum, numpyMax, numpySort, numpySum } from './float32.js';
export type { Cast, FloatArray } from './float32.js';
export { numpyQuantile } from './quantile.js';
export { normalizeMaxWeight } from './normalize-max-weight.js';
export { processWeights } from './process-weights.js';
export { convertWeightsAndUidsForEmit, roundHalfEven } from './emit.js';
export { processAndEmit } from './process-and-emit.js';
export { validateWeightsInput } from './validate-input.js';
export type { EmittedWeights, ProcessedWeights, WeightsInput } from './types.js';
