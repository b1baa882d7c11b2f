// The call layout of the scoring engine, mirrored in src/scoring/wasm-layout.ts: slots of the descriptor the host
// writes (8 bytes each: integers as i64, parameters as f64) and of the result block (i32 pointers).
// Change both files together; the layout version is shared with the epoch's (assembly/layout.ts).

export const S_K: i32 = 0;
export const S_B: i32 = 1;
export const S_V: i32 = 2;
export const S_TARGETS: i32 = 3; // i32[B]
export const S_MINERS: i32 = 4; // i32[5K]: kind, then up to four pointers
export const S_SCALING_POWER: i32 = 5; // f64
export const S_SYNERGY_POWER: i32 = 6; // f64
export const S_DIVERGENCE_WEIGHT: i32 = 7; // f64
export const S_LOSS_FLOOR: i32 = 8; // f64
export const S_WORST_LOSS: i32 = 9; // f64
export const S_MODEL: i32 = 10; // i64: MODEL_SHAPLEY_2022 or MODEL_REDUNDANCY_AWARE
export const S_TOLERANCE: i32 = 11; // f64: the redundancy-aware model's τ
export const S_COPY_TOLERANCE: i32 = 12; // f64: the redundancy-aware model's copy tolerance τ_c
export const SCORE_SLOTS: i32 = 13;

export const MODEL_SHAPLEY_2022: i32 = 0;
export const MODEL_REDUNDANCY_AWARE: i32 = 1;

// Miner kinds. Dense: slot 1 = f32[B·V]. Top-k: slots 1..4 = ptr i32[B + 1], ids i32[nnz], probs f32[nnz], floor f32[B].
export const KIND_NONE: i32 = 0;
export const KIND_DENSE: i32 = 1;
export const KIND_TOPK: i32 = 2;
export const MINER_SLOTS: i32 = 5;

// Result block: i32 pointers.
export const R_RESPONSIVE: i32 = 0; // u8[K]
export const R_LOSS_PER_QUERY: i32 = 1; // f64[K·B]
export const R_LOSS: i32 = 2; // f64[K]
export const R_EST_PARAMS: i32 = 3;
export const R_BASE_PARAMS: i32 = 4;
export const R_SYNERGY: i32 = 5; // f64[K·K]: upper triangle only until scoreMirror runs
export const R_SYNERGY_TOTAL: i32 = 6;
export const R_DIVERGENCE: i32 = 7;
export const R_EXCESS: i32 = 8;
export const R_SHAPLEY: i32 = 9;
export const R_K: i32 = 10; // K itself, for scoreMirror
export const R_MULTIPLICITY: i32 = 11; // f64[K]
export const R_COPIES: i32 = 12; // f64[K]
export const SCORE_RESULT_SLOTS: i32 = 13;

/** Hellinger distances whose square is below this are rounding noise: they count as 0 (see docs/scoring.md). */
export const DIVERGENCE_NOISE: f64 = 1e-12;
