/**
 * The call layout of the scoring engine, mirrored from assembly/score-layout.ts: slots of the descriptor the host
 * writes (8 bytes each) and of the result block (i32 pointers). Change both files together.
 */
export const SD = Object.freeze({
  K: 0,
  B: 1,
  V: 2,
  TARGETS: 3,
  MINERS: 4,
  SCALING_POWER: 5,
  SYNERGY_POWER: 6,
  DIVERGENCE_WEIGHT: 7,
  LOSS_FLOOR: 8,
  WORST_LOSS: 9,
  MODEL: 10,
  TOLERANCE: 11,
  COPY_TOLERANCE: 12,
});
export const SCORE_SLOTS = 13;

/** The model codes of the MODEL slot. */
export const MODEL_CODE = Object.freeze({ 'shapley-2022': 0, 'redundancy-aware': 1 });

/** Miner kinds and the i32 slots per miner in the miner table. */
export const KIND = Object.freeze({ NONE: 0, DENSE: 1, TOPK: 2 });
export const MINER_SLOTS = 5;

/** Result block slots. */
export const SR = Object.freeze({
  RESPONSIVE: 0,
  LOSS_PER_QUERY: 1,
  LOSS: 2,
  EST_PARAMS: 3,
  BASE_PARAMS: 4,
  SYNERGY: 5,
  SYNERGY_TOTAL: 6,
  DIVERGENCE: 7,
  EXCESS: 8,
  SHAPLEY: 9,
  K: 10,
  MULTIPLICITY: 11,
  COPIES: 12,
});
export const SCORE_RESULT_SLOTS = 13;
