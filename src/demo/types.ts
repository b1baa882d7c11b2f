import type { ValidatorRole } from './roster.js';

/* What the demo records and shows: one record per epoch (chain units, as the metagraph stores them) and a live state. */

/** The chain's output of one epoch, read from the metagraph at the first finalized head after it. */
export interface EpochRecord {
  /** 0-based index among the recorded epochs. */
  index: number;
  /** The epoch's block (LastMechansimStepBlock). */
  block: number;
  /** Per uid, u16. */
  incentive: number[];
  dividends: number[];
  vtrust: number[];
  consensus: number[];
  /** Per uid, rao, as decimal strings. */
  stake: string[];
  emission: string[];
  /** Per honest validator label: the vtrust (u16) it predicted at its last submission before this epoch, if any. */
  predicted: Record<string, number>;
}

/** One validator as the live view shows it. */
export interface ValidatorView {
  label: string;
  role: ValidatorRole;
  uid: number;
  stakeTao: number;
  /** The last applied step (honest validators), e.g. `#12 next-token 16/16 in 2.1 s`. */
  lastStep: string | null;
  /** Weight calls seen on chain (a commit counts with its reveal). */
  landed: number;
  /** u16, or null before the first prediction / epoch. */
  vtrustPredicted: number | null;
  vtrustActual: number | null;
  lastError: string | null;
}

/** What the live view draws. */
export interface DemoState {
  block: number;
  /** Epochs recorded so far, and the target. */
  epoch: number;
  epochs: number;
  validators: ValidatorView[];
  /** Miners by incentive at the last epoch, highest first. */
  top: Array<{ label: string; uid: number; incentive: number; quality: number }>;
}
