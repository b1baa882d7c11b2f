/** A u64-like quantity as JSON carries it: a number, or a decimal string when it can exceed 2^53. */
export type U64Like = number | string | bigint;

/** One sparse row as the chain stores it: `[uid, u16]` pairs, in storage order. */
export type SparseRow = Array<[number, number]>;

/** The EpochInput of contracts/epoch-io.md: one subnet's epoch inputs in chain units. */
export interface EpochInput {
  n: number;
  block: number;
  stake: U64Like[];
  lastUpdate: number[];
  blockAtRegistration: number[];
  validatorPermit: boolean[];
  weights: SparseRow[];
  bonds: SparseRow[];
  tempo?: number;
  activityCutoffFactorMilli?: number;
  activityCutoff?: number | null;
  stakeThreshold?: U64Like;
  ownerUid?: number | null;
  maxAllowedValidators?: number;
  kappa?: number;
  bondsPenalty?: number;
  bondsMovingAverage?: number;
  yuma3?: boolean;
  liquidAlpha?: boolean;
  alphaLow?: number;
  alphaHigh?: number;
  alphaSigmoidSteepness?: number;
  lastMechanismStepBlock?: number;
  commitRevealEnabled?: boolean;
  commitBlock?: Array<number | null>;
  raoEmission?: U64Like;
  /**
   * Simulation-only, not a chain feature (yuma-simulation's server-side winner-take-all): the whole incentive goes to
   * the miners with the highest rank, split evenly among ties. Dividends follow it.
   */
  winnerTakesAll?: boolean;
}

/**
 * An EpochInput after validation: every default applied, every u64 quantity a bigint.
 * Both engines (WASM and the BigInt reference) start from this form.
 */
export interface NormalizedEpochInput {
  n: number;
  block: bigint;
  stake: bigint[];
  lastUpdate: bigint[];
  blockAtRegistration: bigint[];
  validatorPermit: boolean[];
  weights: SparseRow[];
  bonds: SparseRow[];
  tempo: number;
  activityCutoffFactorMilli: bigint;
  /** The explicit cutoff in blocks when the input gave one, else null (then the factor applies). */
  activityCutoff: bigint | null;
  stakeThreshold: bigint;
  ownerUid: number | null;
  maxAllowedValidators: number;
  kappa: number;
  bondsPenalty: number;
  bondsMovingAverage: number;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  alphaSigmoidSteepness: number;
  lastMechanismStepBlock: bigint;
  commitRevealEnabled: boolean;
  commitBlock: Array<bigint | null>;
  raoEmission: bigint;
  winnerTakesAll: boolean;
}

/** Raw I32F32 bits of the epoch's intermediate vectors, as signed decimal strings. */
export interface EpochBits {
  stake: string[];
  activeStake: string[];
  consensus: string[];
  incentive: string[];
  dividends: string[];
  validatorTrust: string[];
}

/** The EpochOutput of contracts/epoch-io.md. */
export interface EpochOutput {
  active: boolean[];
  validatorPermit: boolean[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  stakeWeight: number[];
  serverEmission: string[];
  validatorEmission: string[];
  emission: string[];
  bonds: SparseRow[];
  /** Present in exact mode only. */
  bits?: EpochBits;
}

/** `exact` reproduces the chain bit for bit; `f64` is the fast float variant. */
export type EpochMode = 'exact' | 'f64';
