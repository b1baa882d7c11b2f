/**
 * The call layout of the wasm engine, mirrored from assembly/layout.ts: slots of the i64 parameter block the host
 * writes and of the result block the engine returns. Change both files together and bump LAYOUT_VERSION.
 */
export const LAYOUT_VERSION = 4;

export const P = Object.freeze({
  N: 0,
  BLOCK: 1,
  ACTIVITY_CUTOFF: 2,
  STAKE_THRESHOLD: 3,
  OWNER: 4,
  MAX_VALIDATORS: 5,
  KAPPA: 6,
  BONDS_PENALTY: 7,
  BONDS_MOVING_AVERAGE: 8,
  YUMA3: 9,
  LIQUID_ALPHA: 10,
  ALPHA_LOW: 11,
  ALPHA_HIGH: 12,
  ALPHA_STEEPNESS: 13,
  LAST_STEP_BLOCK: 14,
  COMMIT_REVEAL: 15,
  RAO_EMISSION: 16,
  TEMPO: 17,
  STAKE: 18,
  LAST_UPDATE: 19,
  REGISTRATION: 20,
  PERMIT: 21,
  COMMIT_BLOCK: 22,
  W_PTR: 23,
  W_COL: 24,
  W_VAL: 25,
  B_PTR: 26,
  B_COL: 27,
  B_VAL: 28,
  /** Simulation-only: incentive to the maximum, split among ties. */
  WINNER_TAKES_ALL: 29,
});
export const PARAM_SLOTS = 30;

/** Result block slots. VECTORS holds six consecutive vectors of n 8-byte values (V gives their order). */
export const R = Object.freeze({
  ACTIVE: 0,
  PERMIT: 1,
  VECTORS: 2,
  U16: 3,
  EMISSIONS: 4,
  BONDS_PTR: 5,
  BONDS: 6,
});
export const RESULT_SLOTS = 7;

/** Order of the vectors in the VECTORS block: the `bits` of the EpochOutput. */
export const V = Object.freeze({ STAKE: 0, ACTIVE_STAKE: 1, CONSENSUS: 2, INCENTIVE: 3, DIVIDENDS: 4, TRUST: 5 });
