import type { EpochOutput } from '../yuma/index.js';

/** What the metrics read of an epoch: an EpochOutput, or the series record simulateSeries keeps (no bonds, no bits). */
export type EpochLike = Omit<EpochOutput, 'bonds' | 'bits'>;

/** The median of a non-empty list. */
function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** One stake per uid, in rao. */
export type StakeVector = ReadonlyArray<bigint | number | string>;

/** A stake vector for every epoch, or one for all of them. */
export type Stakes = StakeVector | ReadonlyArray<StakeVector>;

/** The stakes in force at epoch `e`. */
export function stakeAt(stakes: Stakes, e: number): StakeVector {
  if (stakes.length > 0 && Array.isArray(stakes[0])) {
    const perEpoch = stakes as ReadonlyArray<StakeVector>;
    return perEpoch[Math.min(e, perEpoch.length - 1)] as StakeVector;
  }
  return stakes as StakeVector;
}

/** Each uid's validator emission per 1000 TAO of its stake, in TAO, for one epoch (NaN where the stake is 0). */
export function dividendsPer1000Tao(out: EpochLike, stake: StakeVector): number[] {
  return out.validatorEmission.map((rao, i) => {
    const s = Number(BigInt(stake[i] as bigint | number | string));
    return s === 0 ? Number.NaN : (Number(BigInt(rao)) / s) * 1000;
  });
}

/**
 * Relative dividends as yuma-simulation and Opentensor report them: each uid's dividend share minus its stake share
 * (both of 65535). 0 means paid exactly in proportion to stake; below 0, the validator earns less than its stake's due.
 */
export function relativeDividends(o: EpochLike): number[] {
  return o.dividends.map((d, u) => (d - (o.stakeWeight[u] ?? 0)) / 65535);
}

/** Mean over the epochs from `from` on of `pick(epoch, e)[uid]`, skipping NaN (NaN when none is left). */
export function meanOf(epochs: EpochLike[], uid: number, pick: (o: EpochLike, e: number) => number[], from = 0): number {
  let sum = 0, count = 0;
  for (let e = from; e < epochs.length; e++) {
    const x = pick(epochs[e] as EpochLike, e)[uid] as number;
    if (Number.isNaN(x)) continue;
    sum += x;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * Copier gain G (Opentensor, "Weight Copying in Bittensor"): the copier's dividend per stake over the median honest
 * validator's, averaged over the epochs from `from` on. G > 1 means copying pays better than validating.
 */
export function copierGain(epochs: EpochLike[], stakes: Stakes, copier: number, honest: number[], from = 0): number {
  let sum = 0, count = 0;
  for (let e = from; e < epochs.length; e++) {
    const d = dividendsPer1000Tao(epochs[e] as EpochLike, stakeAt(stakes, e));
    const base = median(honest.map((u) => d[u] as number));
    if (!(base > 0)) continue;
    sum += (d[copier] as number) / base;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** Incentive share of `miners` in one epoch (0..1). */
export function incentiveShare(out: EpochLike, miners: number[]): number {
  return miners.reduce((a, j) => a + (out.incentive[j] as number), 0) / 65535;
}

/** Miner incentive stability: the mean total-variation distance between consecutive epochs' incentive shares (0 = still). */
export function incentiveInstability(epochs: EpochLike[], from = 1): number {
  let sum = 0, count = 0;
  for (let e = Math.max(1, from); e < epochs.length; e++) {
    const a = (epochs[e - 1] as EpochLike).incentive, b = (epochs[e] as EpochLike).incentive;
    let tv = 0;
    for (let j = 0; j < b.length; j++) tv += Math.abs((b[j] as number) - (a[j] as number));
    sum += tv / 2 / 65535;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

/** Mean incentive share of `miners` over the epochs from `from` on. */
export function meanIncentiveShare(epochs: EpochLike[], miners: number[], from = 0): number {
  let sum = 0, count = 0;
  for (let e = from; e < epochs.length; e++) {
    sum += incentiveShare(epochs[e] as EpochLike, miners);
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
