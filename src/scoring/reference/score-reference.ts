import type { ScoreBatch, ScoreResult, ScoringParams } from '../types.js';
import { checkScoreBatch, checkScoringParams } from './check-batch.js';
import { responseRow } from './distribution.js';
import { redundancyReference } from './redundancy.js';
import { scalingLawParams } from './scaling-law.js';

/*
 * The float64 reference of informational-value scoring (validator-sdk-spec.md §6, the 2022 core validator with the
 * v3.6 logits divergence penalty): the test oracle of the WASM engine. It is a literal transcription of the model,
 * written for clarity, not speed: each query's rows are expanded to full float64 distributions.
 */

/** The stabiliser of the divergence excess: (d − (avg + std)) / (std + 1e−9). */
const EXCESS_EPSILON = 1e-9;
/** The cap of the per-query divergence excess. */
const EXCESS_CAP = 10;

/**
 * Squared Hellinger distances below this are rounding noise and count as 0. The excess divides by the standard
 * deviation of the distances, so without a floor, near-identical answers (copies, sybils) would be penalised or not
 * by the last bits of a sum: a distance of 1e-6 is already a difference no answer can carry in float32.
 */
export const DIVERGENCE_NOISE = 1e-12;

/** The Hellinger distance sqrt(½ Σ_v (√p_v − √m_v)²) of two distributions over the same outcomes (0 below the noise). */
export function hellinger(p: Float64Array, m: Float64Array): number {
  let sum = 0;
  for (let v = 0; v < p.length; v++) {
    const diff = Math.sqrt(p[v] as number) - Math.sqrt(m[v] as number);
    sum += diff * diff;
  }
  const half = 0.5 * sum;
  return half < DIVERGENCE_NOISE ? 0 : Math.sqrt(half);
}

/** The loss of a valid row: −ln(p_target), capped at worstLoss (p_target = 0 gives worstLoss). */
export function rowLoss(targetProbability: number, worstLoss: number): number {
  if (targetProbability <= 0) return worstLoss;
  return Math.min(-Math.log(targetProbability), worstLoss);
}

/**
 * Scores one batch.
 * @throws InvalidInputError when the batch's structure (types, lengths, row pointers, targets, uids) or a parameter is
 *   wrong; values inside the rows never throw (a bad value makes its row garbage)
 */
export function scoreReference(batch: ScoreBatch, params: ScoringParams): ScoreResult {
  checkScoreBatch(batch);
  const { scalingLawPower, synergyScalingLawPower, divergenceWeight, lossFloor, worstLoss, model, redundancyTolerance, copyTolerance } = checkScoringParams(params);
  const K = batch.uids.length;
  const B = batch.targets.length;
  const V = batch.vocab;
  const responsive = batch.responses.map((r) => r.kind !== 'none');
  const R = responsive.filter((x) => x).length;

  const lossPerQuery = new Float64Array(K * B).fill(Number.NaN);
  // q[k·B + b]: the probability of the target that the row's loss stands for, e^(−loss): used by the synergy.
  const q = new Float64Array(K * B);
  const distance = new Float64Array(K * B).fill(Number.NaN);
  const excess = new Float64Array(K * B);

  for (let b = 0; b < B; b++) {
    const target = batch.targets[b] as number;
    const rows = batch.responses.map((r) => responseRow(r, b, V));

    // 1–2. Loss of each responsive miner's row.
    for (let k = 0; k < K; k++) {
      if (!responsive[k]) continue;
      const row = rows[k];
      const loss = row === null || row === undefined ? worstLoss : rowLoss(row[target] as number, worstLoss);
      lossPerQuery[k * B + b] = loss;
      q[k * B + b] = Math.exp(-loss);
    }

    // 6. The mean distribution over the valid rows, and each responsive miner's Hellinger distance from it.
    let validCount = 0;
    const mean = new Float64Array(V);
    for (let k = 0; k < K; k++) {
      const row = rows[k];
      if (!responsive[k] || row === null || row === undefined) continue;
      validCount++;
      for (let v = 0; v < V; v++) mean[v] = (mean[v] as number) + (row[v] as number);
    }
    for (let v = 0; v < V; v++) mean[v] = (mean[v] as number) / validCount;
    for (let k = 0; k < K; k++) {
      if (!responsive[k]) continue;
      const row = rows[k];
      distance[k * B + b] = validCount === 0 || row === null || row === undefined ? 1 : hellinger(row, mean);
    }

    // The excess of each distance over avg + std at this query.
    if (R === 0) continue;
    let sum = 0;
    for (let k = 0; k < K; k++) if (responsive[k]) sum += distance[k * B + b] as number;
    const avg = sum / R;
    let squares = 0;
    for (let k = 0; k < K; k++) {
      if (responsive[k]) squares += ((distance[k * B + b] as number) - avg) ** 2;
    }
    const std = R > 1 ? Math.sqrt(squares / (R - 1)) : 0;
    for (let k = 0; k < K; k++) {
      if (!responsive[k]) continue;
      const z = ((distance[k * B + b] as number) - (avg + std)) / (std + EXCESS_EPSILON);
      excess[k * B + b] = Math.min(Math.max(z, 0) ** 3, EXCESS_CAP);
    }
  }

  // 3–4. Mean loss, the scaling law and the base Shapley term.
  const loss = new Float64Array(K).fill(Number.NaN);
  const estParams = new Float64Array(K);
  const baseParams = new Float64Array(K);
  const divergence = new Float64Array(K).fill(Number.NaN);
  const divergenceExcess = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    if (!responsive[k]) continue;
    let lossSum = 0;
    let distanceSum = 0;
    let excessSum = 0;
    for (let b = 0; b < B; b++) {
      lossSum += lossPerQuery[k * B + b] as number;
      distanceSum += distance[k * B + b] as number;
      excessSum += excess[k * B + b] as number;
    }
    loss[k] = lossSum / B;
    estParams[k] = scalingLawParams(loss[k] as number, lossFloor);
    baseParams[k] = Math.pow(estParams[k] as number, scalingLawPower);
    divergence[k] = distanceSum / B;
    divergenceExcess[k] = excessSum / B;
  }

  // 5. Synergy of every unordered pair of responsive miners, shared equally.
  const synergy = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    if (!responsive[i]) continue;
    for (let j = i + 1; j < K; j++) {
      if (!responsive[j]) continue;
      const expected = Math.min(loss[i] as number, loss[j] as number);
      let measuredSum = 0;
      for (let b = 0; b < B; b++) measuredSum += -Math.log(((q[i * B + b] as number) + (q[j * B + b] as number)) / 2);
      const measured = measuredSum / B;
      const gain =
        Math.pow(scalingLawParams(measured, lossFloor), synergyScalingLawPower) -
        Math.pow(scalingLawParams(expected, lossFloor), synergyScalingLawPower);
      const share = Math.max(gain, 0) / 2 / R;
      synergy[i * K + j] = share;
      synergy[j * K + i] = share;
    }
  }
  const synergyTotal = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let total = 0;
    for (let j = 0; j < K; j++) total += synergy[i * K + j] as number;
    synergyTotal[i] = total;
  }

  // 7. The Shapley value with the divergence penalty.
  let shapley: Float64Array = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    if (!responsive[k]) continue;
    shapley[k] = ((baseParams[k] as number) + (synergyTotal[k] as number)) / (1 + divergenceWeight * (divergenceExcess[k] as number));
  }

  // 8. redundancy-aware: each value shared with the miners whose answers are indistinguishable from its own.
  let multiplicity: Float64Array = new Float64Array(K).fill(1);
  let copies: Float64Array = new Float64Array(K).fill(1);
  if (model === 'redundancy-aware') ({ copies, multiplicity, shapley } = redundancyReference(lossPerQuery, B, responsive, shapley, redundancyTolerance, copyTolerance));

  return {
    uids: [...batch.uids],
    responsive,
    lossPerQuery,
    loss,
    estParams,
    baseParams,
    synergy,
    synergyTotal,
    divergence,
    divergenceExcess,
    copies,
    multiplicity,
    shapley,
  };
}
