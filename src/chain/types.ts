/*
 * What the chain client reads, in chain units (contracts/epoch-io.md's conventions: u16 proportions, rao as bigint).
 * src/chain/hyperparams.ts and src/chain/metagraph.ts fill these; the weight pipeline and the CLI read them.
 */

/**
 * A subnet's hyperparameters. Items the runtime's metadata lacks are feature-detected: they take the documented
 * default and are listed in `defaulted`, never a crash.
 */
export interface Hyperparams {
  netuid: number;
  tempo: number;
  kappa: number;
  weightsSetRateLimit: bigint;
  minAllowedWeights: number;
  /** MaxWeightsLimit (u16; 65535 = no limit). */
  maxWeightsLimit: number;
  weightsVersionKey: bigint;
  commitRevealEnabled: boolean;
  revealPeriodEpochs: bigint;
  bondsMovingAverage: bigint;
  bondsPenalty: number;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  yuma3: boolean;
  /** Activity cutoff in blocks. */
  activityCutoff: number;
  maxAllowedValidators: number;
  /** The names of the fields the runtime has no storage item for (their values are defaults). */
  defaulted: string[];
}

/** An axon as the chain stores it, with the u128 ip decoded. */
export interface AxonInfo {
  ip: string;
  ipType: 4 | 6;
  port: number;
  version: number;
  protocol: number;
  block: number;
}

/** One subnet's metagraph at a block. Per-uid arrays are indexed by uid (length n). */
export interface Metagraph {
  netuid: number;
  block: number;
  blockHash: string;
  n: number;
  hotkeys: string[];
  coldkeys: string[];
  /** Stake as the epoch uses it, in rao. */
  stake: bigint[];
  axons: Array<AxonInfo | null>;
  validatorPermit: boolean[];
  lastUpdate: number[];
  blockAtRegistration: number[];
  active: boolean[];
  /** Weights and bonds rows as stored: [uid, u16] pairs. */
  weights: Array<Array<[number, number]>>;
  bonds: Array<Array<[number, number]>>;
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  /** Emission in rao per uid. */
  emission: bigint[];
  hyperparams: Hyperparams;
  /** The storage item `stake` was read from: `TotalHotkeyAlpha` (spec 233), `TotalHotkeyStake` (older), or `none`. */
  stakeSource: string;
  /** StakeThreshold (global), rao: stake below it counts as 0 in the epoch and cannot set weights. */
  stakeThreshold: bigint;
  /** SubnetOwnerHotkey, and its uid on this subnet (null when unset, absent from the runtime, or not registered). */
  ownerHotkey: string | null;
  ownerUid: number | null;
  /** The block of the subnet's last epoch (LastMechansimStepBlock, as the chain spells it); 0 when unknown. */
  lastMechanismStepBlock: number;
  /** Per uid, the commit blocks of its stored weight commits (WeightCommits, commit-reveal), oldest first. */
  commitBlocks: number[][];
}
