/*
 * The float64 reference of informational-value scoring (the test oracle of the WASM engine) and its pieces.
 */
export { scoreReference, hellinger, rowLoss } from './score-reference.js';
export { checkScoreBatch, checkScoringParams } from './check-batch.js';
export { denseRow, topkRow, responseRow } from './distribution.js';
export { scalingLawParams, SCALING_LAW_NC, SCALING_LAW_ALPHA } from './scaling-law.js';
export { redundancyReference, redundancyKernel, lossDistance } from './redundancy.js';
