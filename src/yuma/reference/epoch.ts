import type { EpochOutput, NormalizedEpochInput, SparseRow } from '../types.js';
import { effectiveActivityCutoff } from '../validate.js';
import {
  fixed64ToU64,
  fixedProportionToU16,
  fixedToFixedU16Proportion,
  u16ProportionToFixed,
  u16ToFixed,
  vecFixed64ToFixed32,
} from './convert.js';
import { bondsMovingAverageAlpha, matEmaAlphaSparse, matEmaSparse } from './ema.js';
import { I32F32, I64F64, I96F32, i32f32ToI96F32 } from './fixed.js';
import { computeLiquidAlphaValuesSparse } from './liquid-alpha.js';
import { weightedMedianColSparse } from './median.js';
import {
  colClipSparse,
  colMaxUpscaleSparse,
  colNormalizeSparse,
  interpolateSparse,
  maskDiagSparse,
  maskDiagSparseExceptIndex,
  maskRowsSparse,
  matmulSparse,
  matmulTransposeSparse,
  matVecMulSparse,
  rowHadamardSparse,
  rowNormalizeSparse,
  rowSumSparse,
  scalarVecMaskSparseMatrix,
  vecMaskSparseMatrix,
  type FixedMatrix,
} from './sparse.js';
import { isTopkNonzero, isZero, maskVector, normalize, normalize64, normalizeUsingSum, vecMul, winnerTakesAll } from './vector.js';

/*
 * The exact BigInt reference of subtensor's `epoch_mechanism` (the sparse production path), one mechanism, every uid
 * registered. It follows the chain step by step on raw fixed-point bits; it is the oracle the WASM engine is checked
 * against, so it favours a literal transcription over speed.
 */

const U64_MAX = (1n << 64n) - 1n;
const U16_MAX_FIXED = I32F32.fromInt(65535);

function u64SaturatingAdd(a: bigint, b: bigint): bigint {
  const s = a + b;
  return s > U64_MAX ? U64_MAX : s;
}

function u64SaturatingSub(a: bigint, b: bigint): bigint {
  return a > b ? a - b : 0n;
}

/** A u16 hyperparameter as the chain's `I32F32(x).safe_div(I32F32(65535))` ratio. */
function u16Ratio(x: number): bigint {
  return I32F32.safeDiv(I32F32.fromInt(x), U16_MAX_FIXED);
}

/** Stored u16 rows i < n read as I32F32, in storage order; a missing row is empty. */
function readRows(rows: readonly SparseRow[], n: number, read: (v: number) => bigint): FixedMatrix {
  const out: FixedMatrix = [];
  for (let i = 0; i < n; i++) out.push((rows[i] ?? []).map(([j, v]): [number, bigint] => [j, read(v)]));
  return out;
}

/** The stake block (§4.2): threshold filter (owner exempt), I64F64 normalisation, truncation to I32F32. */
function normalizedStake(input: NormalizedEpochInput): bigint[] {
  const totalStake = input.stake.map((s) => I64F64.fromInt(s));
  const filtered = totalStake.map((s, uid) =>
    input.ownerUid !== uid && fixed64ToU64(s) < input.stakeThreshold ? 0n : s,
  );
  return vecFixed64ToFixed32(normalize64(filtered));
}

/** The weight masks and row normalisation (§4.5). */
function maskedWeights(input: NormalizedEpochInput, validatorForbids: readonly boolean[]): FixedMatrix {
  const { n, ownerUid, lastUpdate, blockAtRegistration } = input;
  // get_weights_sparse keeps only columns < n (get_bonds_sparse does not filter columns).
  let weights = readRows(input.weights, n, u16ToFixed).map((row) => row.filter(([j]) => j < n));
  weights = maskRowsSparse(validatorForbids, weights);
  weights = ownerUid !== null ? maskDiagSparseExceptIndex(weights, ownerUid) : maskDiagSparse(weights);
  weights = vecMaskSparseMatrix(weights, lastUpdate, blockAtRegistration, (updated, registered) => updated <= registered);
  if (input.commitRevealEnabled) {
    const commitBlocks = Array.from({ length: n }, (_, i) => input.commitBlock[i] ?? U64_MAX);
    weights = vecMaskSparseMatrix(weights, commitBlocks, blockAtRegistration, (cb, registered) => cb < registered);
  }
  return rowNormalizeSparse(weights);
}

/** `last_tempo` of the bonds mask: block − tempo when the last mechanism step is unknown, else that step + 1. */
function lastTempo(input: NormalizedEpochInput): bigint {
  return input.lastMechanismStepBlock === 0n
    ? u64SaturatingSub(input.block, BigInt(input.tempo))
    : u64SaturatingAdd(input.lastMechanismStepBlock, 1n);
}

interface BondsResult {
  dividends: bigint[];
  /** The bonds in the form the chain stores (as I32F32 before the u16 conversion). */
  emaBonds: FixedMatrix;
}

/** Original Yuma bonds and dividends (§4.10a). */
function originalBonds(
  input: NormalizedEpochInput,
  weightsForBonds: FixedMatrix,
  activeStake: readonly bigint[],
  incentive: readonly bigint[],
): BondsResult {
  const n = input.n;
  let bonds = readRows(input.bonds, n, u16ToFixed);
  bonds = scalarVecMaskSparseMatrix(bonds, lastTempo(input), input.blockAtRegistration, (lt, reg) => lt <= reg);
  bonds = colNormalizeSparse(bonds, n);
  const bondsDelta = colNormalizeSparse(rowHadamardSparse(weightsForBonds, activeStake), n);
  const alpha = bondsMovingAverageAlpha(input.bondsMovingAverage);
  const ema = colNormalizeSparse(matEmaSparse(bondsDelta, bonds, alpha), n);
  const dividends = normalize(matmulTransposeSparse(ema, incentive));
  return { dividends, emaBonds: colMaxUpscaleSparse(ema, n) };
}

/** Yuma3 bonds and dividends (§4.10b), with the liquid-alpha branch of `compute_bonds_sparse`. */
function yuma3Bonds(
  input: NormalizedEpochInput,
  weightsForBonds: FixedMatrix,
  activeStake: readonly bigint[],
  consensus: readonly bigint[],
  incentive: readonly bigint[],
): BondsResult {
  const n = input.n;
  let bonds = readRows(input.bonds, n, (v) => fixedToFixedU16Proportion(u16ToFixed(v)));
  bonds = scalarVecMaskSparseMatrix(bonds, lastTempo(input), input.blockAtRegistration, (lt, reg) => lt <= reg);
  let ema: FixedMatrix;
  if (input.liquidAlpha && consensus.length > 0 && consensus.some((c) => c !== 0n)) {
    const alphas = computeLiquidAlphaValuesSparse(weightsForBonds, bonds, consensus, {
      alphaLow: u16ProportionToFixed(input.alphaLow),
      alphaHigh: u16ProportionToFixed(input.alphaHigh),
      steepness: I32F32.fromInt(input.alphaSigmoidSteepness),
    });
    ema = matEmaAlphaSparse(weightsForBonds, bonds, alphas);
  } else {
    ema = matEmaSparse(weightsForBonds, bonds, bondsMovingAverageAlpha(input.bondsMovingAverage));
  }
  const emaNorm = colNormalizeSparse(ema, n);
  const totalBondsPerValidator = rowSumSparse(matVecMulSparse(emaNorm, incentive));
  const dividends = normalize(vecMul(totalBondsPerValidator, activeStake));
  return { dividends, emaBonds: ema };
}

/** Normalised emission shares to rao: floor(I96F32(x) · I96F32(rao)) saturated into u64, as decimal strings. */
function toRao(shares: readonly bigint[], raoEmission: bigint): string[] {
  const rao = I96F32.fromInt(raoEmission);
  return shares.map((x) => I96F32.toU64(I96F32.saturatingMul(i32f32ToI96F32(x), rao)).toString());
}

/** Runs one Yuma epoch exactly as subtensor's `epoch_mechanism` does, on a validated input. */
export function referenceEpoch(input: NormalizedEpochInput): EpochOutput {
  const n = input.n;
  const ownerUid = input.ownerUid;

  // §4.1 activity
  const cutoff = effectiveActivityCutoff(input);
  const inactive = input.lastUpdate.map((updated) => u64SaturatingAdd(updated, cutoff) < input.block);
  const active = inactive.map((b) => !b);

  // §4.2 stake
  const stake = normalizedStake(input);

  // §4.3 permits
  const validatorPermits = input.validatorPermit.slice();
  if (ownerUid !== null && ownerUid < validatorPermits.length) validatorPermits[ownerUid] = true;
  const validatorForbids = validatorPermits.map((p) => !p);
  const newValidatorPermits = isTopkNonzero(stake, input.maxAllowedValidators);
  if (ownerUid !== null && ownerUid < newValidatorPermits.length) newValidatorPermits[ownerUid] = true;

  // §4.4 active stake
  const activeStake = normalize(maskVector(validatorForbids, maskVector(inactive, stake)));

  // §4.5 weights
  const weights = maskedWeights(input, validatorForbids);

  // §4.6–4.8 consensus, clipping, validator trust, incentive
  const consensus = weightedMedianColSparse(activeStake, weights, n, u16Ratio(input.kappa));
  const clippedWeights = colClipSparse(weights, consensus);
  const validatorTrust = rowSumSparse(clippedWeights);
  const ranked = normalize(matmulSparse(clippedWeights, activeStake, n));
  const incentive = input.winnerTakesAll ? winnerTakesAll(ranked) : ranked;

  // §4.9 bonds penalty
  const weightsForBonds = interpolateSparse(weights, clippedWeights, n, u16Ratio(input.bondsPenalty));

  // §4.10 bonds and dividends
  const { dividends, emaBonds } = input.yuma3
    ? yuma3Bonds(input, weightsForBonds, activeStake, consensus, incentive)
    : originalBonds(input, weightsForBonds, activeStake, incentive);

  // §4.11 emission
  const len = Math.min(incentive.length, dividends.length);
  const combined: bigint[] = [];
  for (let i = 0; i < len; i++) combined.push(I32F32.saturatingAdd(incentive[i] as bigint, dividends[i] as bigint));
  const emissionSum = I32F32.sum(combined);
  const serverShare = normalizeUsingSum(incentive, emissionSum);
  let validatorShare = normalizeUsingSum(dividends, emissionSum);
  let combinedShare = normalize(combined);
  if (emissionSum === 0n) {
    // No usable weights: emission follows stake (the active stake if any, else all stake, inactive included).
    const fallback = isZero(activeStake) ? stake : activeStake;
    validatorShare = fallback.slice();
    combinedShare = fallback.slice();
  }

  // §4.12 outputs; a vector shorter than n reads as the default 0 (`unwrap_or_default`).
  const u16At = (v: readonly bigint[], i: number): number => fixedProportionToU16(v[i] ?? 0n);
  const raoAt = (v: readonly string[], i: number): string => v[i] ?? '0';
  const serverRao = toRao(serverShare, input.raoEmission);
  const validatorRao = toRao(validatorShare, input.raoEmission);
  const combinedRao = toRao(combinedShare, input.raoEmission);
  const uids = Array.from({ length: n }, (_, i) => i);
  const bitsOf = (v: readonly bigint[]): string[] => uids.map((i) => (v[i] ?? 0n).toString());

  return {
    active: uids.map((i) => active[i] ?? false),
    validatorPermit: uids.map((i) => newValidatorPermits[i] ?? false),
    consensus: uids.map((i) => u16At(consensus, i)),
    incentive: uids.map((i) => u16At(incentive, i)),
    dividends: uids.map((i) => u16At(dividends, i)),
    validatorTrust: uids.map((i) => u16At(validatorTrust, i)),
    stakeWeight: uids.map((i) => u16At(stake, i)),
    serverEmission: uids.map((i) => raoAt(serverRao, i)),
    validatorEmission: uids.map((i) => raoAt(validatorRao, i)),
    emission: uids.map((i) => raoAt(combinedRao, i)),
    bonds: uids.map((i): SparseRow =>
      newValidatorPermits[i] === true
        ? (emaBonds[i] ?? []).map(([j, v]): [number, number] => [j, fixedProportionToU16(v)])
        : [],
    ),
    bits: {
      stake: bitsOf(stake),
      activeStake: bitsOf(activeStake),
      consensus: bitsOf(consensus),
      incentive: bitsOf(incentive),
      dividends: bitsOf(dividends),
      validatorTrust: bitsOf(validatorTrust),
    },
  };
}
