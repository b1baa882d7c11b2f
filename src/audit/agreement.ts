import { hasRow, rowDistributionOf, rowUids } from './history.js';
import { overlap } from './statistics.js';
import type { AuditEpoch } from './types.js';

/*
 * The validators' agreement matrix for the report: the mean overlap (Σ min) of two validators' rows over the last
 * `window` epochs, ordered so that validators who agree sit together (greedy nearest-neighbour chain from the
 * validator with the highest mean agreement). Bounded: V² × window × n operations.
 */

/** The clustered agreement matrix. */
export interface Agreement {
  /** Validator uids in display order. */
  uids: number[];
  /** matrix[i][k]: mean overlap of uids[i]'s and uids[k]'s rows. */
  matrix: number[][];
}

/** The agreement of the validators over the last `window` epochs. */
export function agreementMatrix(history: readonly AuditEpoch[], window = 50): Agreement {
  const recent = history.slice(Math.max(0, history.length - window));
  const uids = [...new Set(recent.flatMap(rowUids))].sort((a, b) => a - b);
  const V = uids.length;
  const sum = Array.from({ length: V }, () => new Float64Array(V));
  const cnt = Array.from({ length: V }, () => new Float64Array(V));
  for (const e of recent) {
    const rows = uids.map((u) => (hasRow(e, u) ? rowDistributionOf(e, u) : null));
    for (let i = 0; i < V; i++) for (let k = i; k < V; k++) {
      const a = rows[i], b = rows[k];
      if (a === null || a === undefined || b === null || b === undefined) continue;
      const s = overlap(a, b);
      sum[i]![k] = sum[i]![k]! + s; cnt[i]![k] = cnt[i]![k]! + 1;
      if (k !== i) { sum[k]![i] = sum[k]![i]! + s; cnt[k]![i] = cnt[k]![i]! + 1; }
    }
  }
  const m = sum.map((row, i) => Array.from(row, (s, k) => (cnt[i]![k]! > 0 ? s / cnt[i]![k]! : 0)));
  // Order: start from the most agreeing validator, then repeatedly the closest one not yet placed.
  const order: number[] = [];
  const left = new Set(Array.from({ length: V }, (_, i) => i));
  let cur = -1, best = -1;
  for (const i of left) { const mean = m[i]!.reduce((a, b) => a + b, 0); if (mean > best) { best = mean; cur = i; } }
  while (cur >= 0) {
    order.push(cur); left.delete(cur);
    let next = -1, nb = -1;
    for (const k of left) if (m[cur]![k]! > nb) { nb = m[cur]![k]!; next = k; }
    cur = next;
  }
  return { uids: order.map((i) => uids[i]!), matrix: order.map((i) => order.map((k) => m[i]![k]!)) };
}
