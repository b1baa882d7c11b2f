import { activeValidators } from './detect-copier.js';
import type { AuditOptions } from './options.js';
import { hasRow, rowDistributionOf } from './history.js';
import { suffixSignFlipTest, vectorDistribution } from './statistics.js';
import type { AuditEpoch, DetectedWindow } from './types.js';

/*
 * The self-dealing detector (docs/audit.md, "Self-dealing"): weight a validator puts on miners whose coldkey is its
 * own, against the share the consensus gives them. Per epoch, with O the other uids sharing the validator's coldkey:
 *   x_t = Σ_{m∈O} w_j(t)_m − Σ_{m∈O} C(t)_m
 * tested with the change-point sign-flip permutation test and an effect floor (o.selfDealingMinExcess).
 */

/** A self-dealing candidate (before pricing). */
export interface SelfDealingCandidate extends DetectedWindow {
  uid: number;
  miners: number[];
}

/** Runs the detector. */
export function detectSelfDealing(history: readonly AuditEpoch[], o: AuditOptions): SelfDealingCandidate[] {
  const out: SelfDealingCandidate[] = [];
  const T = history.length;
  for (const v of activeValidators(history, o.minEpochs)) {
    const x = new Float64Array(T);
    const own = new Set<number>();
    const chart: Array<{ block: number; validator: number; consensus: number }> = [];
    for (let t = 0; t < T; t++) {
      const e = history[t]!;
      const key = e.coldkeys[v];
      if (key === undefined || key === '' || !hasRow(e, v)) { chart.push({ block: e.block, validator: 0, consensus: 0 }); continue; }
      const w = rowDistributionOf(e, v);
      const c = vectorDistribution(e.consensus);
      let ws = 0, cs = 0;
      for (let m = 0; m < e.input.n; m++) {
        if (m === v || e.coldkeys[m] !== key) continue;
        own.add(m);
        ws += w[m] as number;
        cs += c[m] as number;
      }
      x[t] = ws - cs;
      chart.push({ block: e.block, validator: ws, consensus: cs });
    }
    if (own.size === 0) continue;
    const test = suffixSignFlipTest(x, o.permutations, (o.seed ^ Math.imul(v + 1, 0x85ebca6b)) >>> 0);
    if (T - test.start < o.minEpochs || test.pValue > o.alpha || test.mean < o.selfDealingMinExcess) continue;
    out.push({
      uid: v, miners: [...own].sort((a, b) => a - b), fromIndex: test.start, toIndex: T - 1, statistic: test.mean, pValue: test.pValue,
      evidence: { excessShare: test.mean, epochs: T - test.start, coldkey: history[T - 1]!.coldkeys[v], permutations: o.permutations, chart },
    });
  }
  return out;
}
