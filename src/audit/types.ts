import type { EpochInput } from '../yuma/index.js';

/*
 * The audit's data: the history it reads (one entry per epoch, with the exact engine's factual results) and the
 * findings it reports. The JSON shape of `AuditReport` is issue 19's `--json` shape.
 */

/** Sparse rows packed in two typed arrays: row r is data[offsets[r] .. offsets[r+1]), each entry uid·65536 + value. */
export interface PackedRows {
  offsets: Uint32Array;
  data: Uint32Array;
}

/**
 * One epoch of the audited history: the epoch's input, who the uids were, and the exact engine's results on it. The
 * weights and bonds are held packed (`weights`, `bonds`; `input.weights` and `input.bonds` are shared empty rows):
 * a thousand epochs of 64 rows × 192 weights as `[uid, value]` arrays took about 2 GiB of heap and most of the GC
 * time. history.ts reads them back (rowOf, hasRow, withWeights) where a detector or the pricing needs them.
 */
export interface AuditEpoch {
  block: number;
  input: EpochInput;
  weights: PackedRows;
  bonds: PackedRows;
  hotkeys: string[];
  coldkeys: string[];
  /** Consensus per uid as the engine computes it (u16, as the chain stores it). */
  consensus: number[];
  /** Validator emission per uid, rao (u64: the pricing sums them exactly). */
  validatorEmission: BigUint64Array;
  /** Server (miner) emission per uid, rao. */
  serverEmission: BigUint64Array;
}

/** What every detector's candidate has, before pricing: its window (history indices), statistic, p-value, evidence. */
export interface DetectedWindow {
  fromIndex: number;
  toIndex: number;
  statistic: number;
  pValue: number;
  evidence: Record<string, unknown>;
}

/** The kinds of finding. */
export type FindingKind = 'copier' | 'cartel' | 'self-dealing';

/** What a behaviour earned, priced by the exact engine against the honest counterfactual. */
export interface Pricing {
  /** The suspects' validator emission minus the counterfactual's, rao (decimal string; may be negative). */
  dividendsGainRao: string;
  /** The suspects' validator emission in the window, rao. */
  dividendsRao: string;
  /** factual / counterfactual validator emission of the suspects (null when the counterfactual is 0). */
  dividendsRatio: number | null;
  /** The favoured miners' server emission minus the counterfactual's, rao. */
  minersGainRao: string;
  /** What the other validators earned less than in the counterfactual, rao (negative: they earned more). */
  honestLossRao: string;
  /** Per epoch of the window: the suspects' validator emission, factual and counterfactual (rao, as numbers for charts). */
  perEpoch: Array<{ block: number; factual: number; counterfactual: number }>;
}

/** One finding. */
export interface Finding {
  kind: FindingKind;
  validators: number[];
  miners: number[];
  /** First and last epoch blocks the finding covers. */
  from: number;
  to: number;
  /** The detector's statistic (its definition is in docs/audit.md under the kind). */
  statistic: number;
  pValue: number;
  /** dividendsGainRao + minersGainRao for self-dealing (one operator holds both), else dividendsGainRao. */
  gainRao: string;
  evidence: Record<string, unknown>;
}

/** A validator of the window and the kinds of finding that name it. */
export interface AuditValidator {
  uid: number;
  hotkey: string;
  flags: FindingKind[];
}

/** The audit's result (the `--json` shape). */
export interface AuditReport {
  from: number;
  to: number;
  epochs: number;
  findings: Finding[];
  validators: AuditValidator[];
  /** The validators' clustered agreement matrix over the last epochs (the report's heat map). */
  agreement: { uids: number[]; matrix: number[][] };
}
