/**
 * Defaults for the hyperparameters an EpochInput may omit (contracts/epoch-io.md). They are the chain's values for a
 * subnet created today (runtime constants and `init_new_network`), except `yuma3`, whose storage default is false.
 */
export const EPOCH_DEFAULTS = Object.freeze({
  tempo: 360,
  activityCutoffFactorMilli: 13_889,
  stakeThreshold: 0n,
  ownerUid: null,
  maxAllowedValidators: 64,
  kappa: 32_767,
  bondsPenalty: 65_535,
  bondsMovingAverage: 900_000,
  yuma3: false,
  liquidAlpha: false,
  alphaLow: 45_875,
  alphaHigh: 58_982,
  alphaSigmoidSteepness: 1000,
  lastMechanismStepBlock: 0n,
  commitRevealEnabled: false,
  raoEmission: 1_000_000_000n,
  winnerTakesAll: false,
} as const);

/** The largest u64, the range limit of stakes, rao amounts and blocks. */
export const U64_MAX = (1n << 64n) - 1n;
