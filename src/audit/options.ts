import { bool, intIn, numberIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';

/*
 * The audit's options: frozen defaults (each says where it comes from), merged once and checked key by key.
 */

/** What the detectors test and how strictly. */
export interface AuditOptions {
  /** Lags of the published consensus a copier may read: 1..maxLag (issue 19: t−1, t−2, t−3). */
  maxLag: number;
  /** Extra lags tested when commit-reveal is on in the window: a copier then sees only revealed, older weights. */
  commitRevealExtraLags: number;
  /** Family-wise significance level per validator and detector (Bonferroni over the lags tried). */
  alpha: number;
  /** Sign-flip permutations per test; p-values are multiples of 1 / (permutations + 1). */
  permutations: number;
  /** The fewest epochs a finding may cover. */
  minEpochs: number;
  /** Least margin of a copier's lagged-minus-current consensus similarity over the median peer's (an effect floor). */
  copierMinMargin: number;
  /** Least mean excess share a validator gives its own-coldkey miners over the consensus's share of them. */
  selfDealingMinExcess: number;
  /**
   * Least robust z-score of a pair's agreement (mean cosine of the two rows' deviations from the consensus) over the
   * median pair, for an edge of the agreement graph the cartel detector partitions.
   */
  cartelMinZ: number;
  /** Least excess of a pair's agreement over the median pair's (an effect floor, where all pairs agree alike). */
  cartelMinAgreement: number;
  /** Least stake-weighted excess share a group gives a miner over the consensus's share, for a favoured miner. */
  cartelMinExcess: number;
  /**
   * Least capture for a pivotal group: the share of its favour (its excess over the consensus on its miners) that the
   * consensus takes up because of its rows (exact engine, group rows replaced by the honest rest's consensus).
   */
  cartelPivotalCapture: number;
  /** Seed of the permutations. */
  seed: number;
  /** Declared pairs of validators a subnet allows to share weights (one operator's validators). */
  allow: Array<[number, number]>;
  /** Price each finding with the exact engine (the counterfactual re-run). */
  price: boolean;
}

/**
 * The defaults: alpha 0.01 at 999 permutations (p resolution 0.001, below alpha / 4 for the Bonferroni over lags), margins chosen on the planted histories of
 * bench/audit (docs/audit.md: detection quality) so that all-honest runs stay under the 2% false-positive target.
 */
export const AUDIT_DEFAULTS: Readonly<AuditOptions> = Object.freeze({
  maxLag: 3,
  commitRevealExtraLags: 1,
  alpha: 0.01,
  permutations: 999,
  minEpochs: 3,
  copierMinMargin: 0.02,
  selfDealingMinExcess: 0.05,
  cartelMinZ: 6,
  cartelMinAgreement: 0.1,
  cartelMinExcess: 0.02,
  cartelPivotalCapture: 0.5,
  seed: 1,
  allow: [],
  price: true,
});

const fraction: Check = numberIn(0, 1, { openLow: true, openHigh: true });
const share: Check = numberIn(0, 1);

const CHECKS: Readonly<Record<keyof AuditOptions, Check>> = {
  maxLag: intIn(1, 32),
  commitRevealExtraLags: intIn(0, 32),
  alpha: fraction,
  permutations: intIn(1, 100_000),
  minEpochs: intIn(1, 1_000_000),
  copierMinMargin: share,
  selfDealingMinExcess: share,
  cartelMinZ: (v) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? null : 'expected a positive number'),
  cartelMinAgreement: share,
  cartelMinExcess: share,
  cartelPivotalCapture: share,
  seed: intIn(0, 0xffffffff),
  allow: (v) => (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((u) => Number.isInteger(u) && u >= 0 && u <= 65535)) ? null : 'expected an array of [uid, uid] pairs'),
  price: bool,
};

/**
 * Merges partial options with AUDIT_DEFAULTS, checking each key (src/options).
 * @throws InvalidOptionError naming the key
 */
export function resolveAuditOptions(partial: unknown = {}): AuditOptions {
  return resolveOptions({ thing: 'an audit option', things: 'audit options', name: 'audit', defaults: AUDIT_DEFAULTS, checks: CHECKS }, partial);
}
