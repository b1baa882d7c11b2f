/*
 * The informational-value scoring model (../shared/reference/validator-sdk-spec.md §6, 2022 core validator), as both
 * engines (WASM and the TypeScript float64 reference) see it. Every probability is a float32, as the wire carries it;
 * the engines compute in float64 from those float32 values.
 */

/** One miner's answers to the B queries of a batch. */
export type MinerResponse =
  /** No answer (timeout, error, dropped connection): the miner is unresponsive this batch. */
  | { kind: 'none' }
  /** A distribution over `vocab` outcomes per query: row b is `probs[b·vocab .. (b+1)·vocab)`. */
  | { kind: 'dense'; probs: Float32Array }
  /**
   * Per query b, the pairs `ids[ptr[b] .. ptr[b+1])` with probabilities `probs[same]`, and `floor[b]` for every outcome
   * not listed. `ptr` has B + 1 entries. An id that is not an integer in 0..vocab−1, or listed twice in a row, makes
   * that row garbage; so does any probability or floor that is not a finite non-negative number.
   */
  | { kind: 'topk'; ptr: Int32Array; ids: Int32Array; probs: Float32Array; floor: Float32Array };

/** A scored batch: K miners' answers to B queries with known outcomes. */
export interface ScoreBatch {
  /** Number of outcomes V (≥ 2). */
  vocab: number;
  /** The true outcome of each query, an integer in 0..vocab−1; B = targets.length ≥ 1. */
  targets: Int32Array;
  /** The uid of each miner, distinct. */
  uids: number[];
  /** One response per uid. */
  responses: MinerResponse[];
}

/** The scoring models: the 2022 core validator's Shapley values, or the same discounted for redundancy (docs/scoring.md). */
export type ScoringModel = 'shapley-2022' | 'redundancy-aware';

/** The scoring parameters: what `tune` tunes. Defaults are those of the 2022 validator (SCORING_DEFAULTS). */
export interface ScoringParams {
  /** Which model the value is: `shapley-2022` (the default) or `redundancy-aware`. */
  model: ScoringModel;
  /**
   * redundancy-aware only: τ, in nats. Two miners whose per-query losses differ by an RMS of D share their value with
   * weight κ = (1 − (D/τ)²)² while D < τ, and not at all beyond (docs/scoring.md).
   */
  redundancyTolerance: number;
  /**
   * redundancy-aware only: τ_c, in nats. Miners closer than τ_c / 2 are copies of one answer (κ_c = 1), and none are
   * beyond τ_c (κ_c = 0): a group of copies counts once in its neighbours' multiplicities (docs/scoring.md).
   */
  copyTolerance: number;
  /** Exponent of the base Shapley term: est_params^p (chain ScalingLawPower / 100). */
  scalingLawPower: number;
  /** Exponent of the pair synergy term (chain SynergyScalingLawPower / 100). */
  synergyScalingLawPower: number;
  /** Weight of the divergence penalty: shapley / (1 + w · excess) (chain ValidatorLogitsDivergence / 65535). */
  divergenceWeight: number;
  /** The scaling law's loss floor, "the entropy of natural text": losses below it count as it. */
  lossFloor: number;
  /** The loss of a garbage row, and the largest loss any row can have. */
  worstLoss: number;
  /** EMA factor of the score book: score ← (1 − α)·score + α·shapley. */
  emaAlpha: number;
}

/** Everything one batch scores to. Arrays are indexed like `ScoreBatch.uids`; K×K and K×B ones are row-major. */
export interface ScoreResult {
  uids: number[];
  /** Whether the miner answered (a `none` response is unresponsive; a garbage answer is responsive). */
  responsive: boolean[];
  /** Per miner and query: −ln(p_target), capped at worstLoss; worstLoss for a garbage row; NaN when unresponsive. K×B. */
  lossPerQuery: Float64Array;
  /** Mean of lossPerQuery over the queries; NaN when unresponsive. */
  loss: Float64Array;
  /** The scaling law: 8.8e13 · max(loss, lossFloor)^(−1/0.076); 0 when unresponsive. */
  estParams: Float64Array;
  /** estParams^scalingLawPower; 0 when unresponsive. */
  baseParams: Float64Array;
  /**
   * synergy[i·K + j]: the share miner i receives from the pair (i, j), the same as j receives:
   * max(N(measured)^ps − N(expected)^ps, 0) / 2 / R, where expected is the better of the two mean losses, measured the
   * mean over queries of −ln((p_i + p_j)/2), N the scaling law and R the number of responsive miners. 0 on the
   * diagonal and for unresponsive miners. K×K.
   */
  synergy: Float64Array;
  /** Per miner: the sum of its synergy row. */
  synergyTotal: Float64Array;
  /**
   * Per miner: the mean over queries of its Hellinger distance from the mean distribution (1 for a garbage row; 0 when
   * its square is below 1e−12, rounding noise); NaN when unresponsive.
   */
  divergence: Float64Array;
  /** Per miner: the mean over queries of clamp(((d − (avg + std)) / (std + 1e−9))^3, 0, 10); 0 when unresponsive. */
  divergenceExcess: Float64Array;
  /**
   * Per miner: how many hotkeys send its answer, c_k = Σ_j κ_c(D_kj) (itself included), where D_kj is the RMS
   * difference of the two miners' per-query losses and κ_c the copy kernel; 1 under shapley-2022 and when unresponsive.
   */
  copies: Float64Array;
  /**
   * Per miner: how many answers its own is shared with, m_k = 1 + c_k · Σ_{j≠k} κ(D_kj) · (v_j / v_k)⁴ / c_j, where v
   * is the 2022 value and κ the redundancy kernel (a neighbour's copies count once); 1 under shapley-2022, and for a
   * miner of value 0 or unresponsive.
   */
  multiplicity: Float64Array;
  /**
   * The value weights are made from. shapley-2022: (baseParams + synergyTotal) / (1 + divergenceWeight ·
   * divergenceExcess); redundancy-aware: that value v_k divided by multiplicity. 0 when unresponsive.
   */
  shapley: Float64Array;
}
