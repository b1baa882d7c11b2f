// The call layout shared with src/wasm/layout.ts: slots of the i64 parameter block the host writes, and of the i64
// result block the engine returns. Change both files together and bump LAYOUT_VERSION.

export const LAYOUT_VERSION: i32 = 4;

// Parameter block (i64 slots).
export const P_N: i32 = 0;
export const P_BLOCK: i32 = 1;
export const P_ACTIVITY_CUTOFF: i32 = 2;
export const P_STAKE_THRESHOLD: i32 = 3;
export const P_OWNER: i32 = 4; // -1: no owner
export const P_MAX_VALIDATORS: i32 = 5;
export const P_KAPPA: i32 = 6;
export const P_BONDS_PENALTY: i32 = 7;
export const P_BONDS_MOVING_AVERAGE: i32 = 8;
export const P_YUMA3: i32 = 9;
export const P_LIQUID_ALPHA: i32 = 10;
export const P_ALPHA_LOW: i32 = 11;
export const P_ALPHA_HIGH: i32 = 12;
export const P_ALPHA_STEEPNESS: i32 = 13;
export const P_LAST_STEP_BLOCK: i32 = 14;
export const P_COMMIT_REVEAL: i32 = 15;
export const P_RAO_EMISSION: i32 = 16;
export const P_TEMPO: i32 = 17;
export const P_STAKE: i32 = 18; // u64[n]
export const P_LAST_UPDATE: i32 = 19; // u64[n]
export const P_REGISTRATION: i32 = 20; // u64[n]
export const P_PERMIT: i32 = 21; // u8[n]
export const P_COMMIT_BLOCK: i32 = 22; // u64[n], u64::MAX when there is no commit
export const P_W_PTR: i32 = 23; // i32[n + 1]
export const P_W_COL: i32 = 24; // u16[nnz]
export const P_W_VAL: i32 = 25; // u16[nnz]
export const P_B_PTR: i32 = 26;
export const P_B_COL: i32 = 27;
export const P_B_VAL: i32 = 28;
// Simulation-only (not a chain feature): the incentive goes to its maximum, split evenly among ties.
export const P_WINNER_TAKES_ALL: i32 = 29;
export const PARAM_SLOTS: i32 = 30;

// Result block (i64 slots holding pointers).
export const R_ACTIVE: i32 = 0; // u8[n]
export const R_PERMIT: i32 = 1; // u8[n]
// Six consecutive vectors of n values, in this order: stake, activeStake, consensus, incentive, dividends,
// validatorTrust. I32F32 bits (i64) in exact mode, f64 in float mode.
export const R_VECTORS: i32 = 2;
export const R_U16: i32 = 3; // u16[5n]: stakeWeight, consensus, incentive, dividends, validatorTrust
export const R_EMISSIONS: i32 = 4; // u64[3n]: server, validator, combined emission (rao)
export const R_BONDS_PTR: i32 = 5; // i32[n + 1]
export const R_BONDS: i32 = 6; // u32[nnz]: (uid << 16) | u16 value
export const RESULT_SLOTS: i32 = 7;

/** Offsets (in vectors of n) of each vector in the R_VECTORS block. */
export const V_STAKE: i32 = 0;
export const V_ACTIVE_STAKE: i32 = 1;
export const V_CONSENSUS: i32 = 2;
export const V_INCENTIVE: i32 = 3;
export const V_DIVIDENDS: i32 = 4;
export const V_TRUST: i32 = 5;
