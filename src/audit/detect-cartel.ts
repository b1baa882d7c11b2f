import { activeValidators, publishedRow } from './detect-copier.js';
import { rowUids, withWeights } from './history.js';
import type { AuditOptions } from './options.js';
import { counterfactualConsensus } from './pricing.js';
import { maxSubarray, median, vectorDistribution, windowSignFlipTest } from './statistics.js';
import type { AuditEpoch, DetectedWindow } from './types.js';

/*
 * The cartel detector (docs/audit.md, "Cartels"). A cartel is a group of validators that agree with each other more
 * than with the rest, and jointly put more weight than the consensus on a set of miners. Honest validators measure the
 * same miners with independent errors: their deviations from the consensus, r_j(t) = w_j(t) − C(t), are uncorrelated
 * however much their rows agree (a stable subnet, a shared benchmark). A cartel's deviations share a component, the
 * favour it gives its miners, so they point the same way. Per pair of validators and epoch:
 *   c_ik(t) = cos(r_i(t), r_k(t))
 * A_ik, the mean over the epochs both published, is the pair's agreement. The null is what the pairs outside any group
 * do: median and scaled MAD of A over them (found iteratively, below). Pairs with a robust z ≥ cartelMinZ and an excess
 * ≥ cartelMinAgreement are the edges of the agreement graph. Communities: connected components, each peeled to its dense core (every member agrees
 * significantly with at least half of the others), so one chance edge does not chain an honest validator into a group.
 * A group is reported when, over a window found by the max-subarray sign-flip test on its per-epoch excess agreement
 * (duration; p ≤ alpha), it favours at least one miner by cartelMinExcess of stake-weighted share over the consensus.
 * Memory: the pair cosines, V(V−1)/2 × T float32 (64 validators, 1,000 epochs: 8 MB).
 */

/** A cartel candidate (before pricing). */
export interface CartelCandidate extends DetectedWindow {
  uids: number[];
  miners: number[];
}

/** Groups of the graph: connected components peeled to their dense cores (each member adjacent to ≥ half the rest). */
export function denseGroups(V: number, edge: (i: number, k: number) => boolean): number[][] {
  const groups: number[][] = [];
  let pool = Array.from({ length: V }, (_, i) => i);
  for (let round = 0; round < V && pool.length >= 2; round++) {
    const inPool = new Set(pool);
    const seen = new Set<number>();
    const next: number[] = [];
    let found = false;
    for (const s of pool) {
      if (seen.has(s)) continue;
      const comp: number[] = [];
      const stack = [s];
      seen.add(s);
      while (stack.length > 0) {
        const i = stack.pop()!;
        comp.push(i);
        for (const k of inPool) if (!seen.has(k) && edge(i, k)) { seen.add(k); stack.push(k); }
      }
      const core = new Set(comp);
      for (;;) {
        let worst = -1, worstDeg = Infinity;
        for (const i of core) {
          let d = 0;
          for (const k of core) if (k !== i && edge(i, k)) d++;
          if (d < worstDeg) { worstDeg = d; worst = i; }
        }
        if (core.size < 2 || 2 * worstDeg >= core.size - 1) break;
        core.delete(worst);
      }
      if (core.size >= 2 && [...core].some((i) => [...core].some((k) => k !== i && edge(i, k)))) {
        groups.push([...core].sort((a, b) => a - b));
        found = true;
      }
      for (const i of comp) if (!core.has(i) || core.size < 2) next.push(i);
    }
    if (!found) break;
    pool = next;
  }
  return groups;
}

/** Runs the cartel detector over the whole history. */
export function detectCartels(history: readonly AuditEpoch[], o: AuditOptions): CartelCandidate[] {
  const T = history.length;
  const vs = activeValidators(history, o.minEpochs);
  const V = vs.length;
  if (V < 3 || T === 0) return [];
  const P = (V * (V - 1)) / 2;
  const pair = (i: number, k: number): number => (i < k ? (i * (2 * V - i - 1)) / 2 + (k - i - 1) : (k * (2 * V - k - 1)) / 2 + (i - k - 1));
  const cos = new Float32Array(P * T).fill(NaN);
  const nullLevel = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    const e = history[t]!;
    const C = vectorDistribution(e.consensus);
    const res: Array<Float64Array | null> = vs.map((v) => {
      const w = publishedRow(history, t, v);
      if (w === null) return null;
      for (let m = 0; m < w.length; m++) w[m] = (w[m] as number) - (C[m] ?? 0);
      return w;
    });
    const norm = res.map((r) => (r === null ? 0 : Math.sqrt(r.reduce((a, x) => a + x * x, 0))));
    const level: number[] = [];
    for (let i = 0; i < V; i++) {
      const a = res[i];
      if (a === null || a === undefined || norm[i] === 0) continue;
      for (let k = i + 1; k < V; k++) {
        const b = res[k];
        if (b === null || b === undefined || norm[k] === 0) continue;
        let dot = 0;
        const len = Math.min(a.length, b.length);
        for (let m = 0; m < len; m++) dot += (a[m] as number) * (b[m] as number);
        const c = dot / ((norm[i] as number) * (norm[k] as number));
        cos[pair(i, k) * T + t] = c;
        level.push(c);
      }
    }
    nullLevel[t] = median(level);
  }
  // Each pair's agreement, and the null from all pairs (median, scaled MAD).
  const A = new Float64Array(P).fill(NaN);
  for (let p = 0; p < P; p++) {
    let s = 0, c = 0;
    for (let t = 0; t < T; t++) { const x = cos[p * T + t] as number; if (!Number.isNaN(x)) { s += x; c++; } }
    if (c >= o.minEpochs) A[p] = s / c;
  }
  // The null from the pairs of validators outside the most cohesive group. A large cartel contaminates the pairs: at
  // 40% of 20 validators, 65% of the pairs touch a member (its cross pairs are strongly negative), and a median and MAD
  // over all pairs are then a cartel-honest level with an inflated spread. So a first pass, at half the z against all
  // pairs, finds candidate groups; the members of the most cohesive one (highest mean agreement) are left out of the
  // null, and the groups are found again at the full z against it. Leaving out every candidate would leave no null
  // when the rest deviates as one bloc (the honest side of a large cartel).
  const nullOf = (excluded: ReadonlySet<number>): { mu: number; sigma: number } => {
    const valid: number[] = [];
    for (let i = 0; i < V; i++) for (let k = i + 1; k < V; k++) { const a = A[pair(i, k)] as number; if (!excluded.has(i) && !excluded.has(k) && !Number.isNaN(a)) valid.push(a); }
    const m = median(valid);
    return { mu: m, sigma: Math.max(1.4826 * median(valid.map((x) => Math.abs(x - m))), 1e-3) };
  };
  const find = (mu: number, sigma: number, minZ: number): number[][] =>
    denseGroups(V, (i, k) => { const a = A[pair(i, k)] as number; return i !== k && !Number.isNaN(a) && (a - mu) / sigma >= minZ && a - mu >= o.cartelMinAgreement; });
  const cohesion = (g: number[]): number => {
    let sum = 0, c = 0;
    for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) { const x = A[pair(g[a]!, g[b]!)] as number; if (!Number.isNaN(x)) { sum += x; c++; } }
    return c > 0 ? sum / c : -Infinity;
  };
  const first = nullOf(new Set());
  const candidates = find(first.mu, first.sigma, o.cartelMinZ / 2);
  const strongest = candidates.reduce<number[] | null>((best, g) => (best === null || cohesion(g) > cohesion(best) ? g : best), null);
  const { mu, sigma } = strongest === null ? first : nullOf(new Set(strongest));
  const groups = strongest === null ? [] : find(mu, sigma, o.cartelMinZ);
  const z = (i: number, k: number): number => { const a = A[pair(i, k)] as number; return Number.isNaN(a) ? -Infinity : (a - mu) / sigma; };
  const out: CartelCandidate[] = [];
  for (const g of groups) {
    const uids = g.map((i) => vs[i]!);
    // The group's excess agreement per epoch over that epoch's median pair: its duration and significance.
    const series = new Float64Array(T);
    const chart: Array<{ block: number; agreement: number | null; null: number }> = [];
    for (let t = 0; t < T; t++) {
      let s = 0, c = 0;
      for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) { const x = cos[pair(g[a]!, g[b]!) * T + t] as number; if (!Number.isNaN(x)) { s += x; c++; } }
      series[t] = c > 0 ? s / c - (nullLevel[t] as number) : 0;
      chart.push({ block: history[t]!.block, agreement: c > 0 ? s / c : null, null: nullLevel[t] as number });
    }
    const test = windowSignFlipTest(series, o.permutations, (o.seed ^ Math.imul(uids[0]! + 1, 0xc2b2ae35) ^ 0x5bd1e995) >>> 0);
    if (test.pValue > o.alpha) continue;
    // The window: the run of largest sum of g − m/2, m the mean excess over the tested window, so an epoch joins it
    // when it sits nearer the group's level than the null's. Honest pairs' cosines are noisy (a few large miners
    // dominate the deviations), and the raw run of largest sum would take in chance highs next to the cartel's epochs.
    const w = maxSubarray(Array.from(series, (x) => x - test.mean / 2));
    if (w.end - w.start + 1 < o.minEpochs) continue;
    let mean = 0;
    for (let t = w.start; t <= w.end; t++) mean += series[t] as number;
    mean /= w.end - w.start + 1;
    const found = cartelEvidence(history, uids, w.start, w.end, o);
    if (found === null) continue;
    let zMin = Infinity, aSum = 0, aN = 0;
    for (let a = 0; a < g.length; a++) for (let b = a + 1; b < g.length; b++) { zMin = Math.min(zMin, z(g[a]!, g[b]!)); const x = A[pair(g[a]!, g[b]!)] as number; if (!Number.isNaN(x)) { aSum += x; aN++; } }
    out.push({
      uids, miners: found.miners, fromIndex: w.start, toIndex: w.end, statistic: mean, pValue: test.pValue,
      evidence: { ...found.evidence, agreement: aN > 0 ? aSum / aN : 0, nullAgreement: mu, agreementSpread: sigma, weakestPairZ: zMin, excessAgreement: mean, epochs: w.end - w.start + 1, permutations: o.permutations, chart },
    });
  }
  return out;
}

/**
 * The favoured miners, stake share and pivotality of a group over its window, or null when it favours no miner
 * (agreement without favour is not a cartel). Favour is measured against the consensus of the rest: the exact engine's
 * consensus with the group's rows replaced by the honest rest's consensus (as the pricing replaces them). Against the
 * factual consensus a group holding κ of the stake would show no favour at all: its rows are the consensus.
 */
export function cartelEvidence(history: readonly AuditEpoch[], uids: number[], from: number, to: number, o: AuditOptions): { miners: number[]; evidence: Record<string, unknown> } | null {
  const suspects = new Set(uids);
  const acc = new Map<number, { group: number; cons: number; rest: number; positive: number[] }>();
  let shareSum = 0, epochs = 0;
  const kappa = (history[to]!.input.kappa ?? 32_767) / 65_535;
  for (let t = from; t <= to; t++) {
    const e = history[t]!;
    const stake = e.input.stake.map((s) => Number(BigInt(s)));
    let voting = 0, groupStake = 0;
    for (const u of rowUids(e)) voting += stake[u] ?? 0;
    const rows = uids.map((u) => publishedRow(history, t, u));
    const share = new Float64Array(e.input.n);
    rows.forEach((w, i) => {
      if (w === null) return;
      const s = stake[uids[i]!] ?? 0;
      groupStake += s;
      for (let m = 0; m < w.length; m++) share[m] = (share[m] as number) + s * (w[m] as number);
    });
    if (groupStake === 0) continue;
    epochs++;
    shareSum += voting > 0 ? groupStake / voting : 0;
    const C = vectorDistribution(e.consensus);
    const R = vectorDistribution(counterfactualConsensus(withWeights(e), suspects));
    for (let m = 0; m < share.length; m++) {
      const g = (share[m] as number) / groupStake, c = C[m] ?? 0, r = R[m] ?? 0;
      if (g === 0 && c === 0 && r === 0) continue;
      const x = acc.get(m) ?? { group: 0, cons: 0, rest: 0, positive: new Array<number>(uids.length).fill(0) };
      x.group += g; x.cons += c; x.rest += r;
      rows.forEach((w, i) => { if (w !== null) x.positive[i] = (x.positive[i] as number) + (w[m] ?? 0) - r; });
      acc.set(m, x);
    }
  }
  if (epochs === 0) return null;
  const favoured = [...acc].map(([uid, x]) => ({ uid, groupShare: x.group / epochs, consensusShare: x.cons / epochs, restShare: x.rest / epochs, excess: (x.group - x.rest) / epochs, agreeing: x.positive.filter((p) => p > 0).length }))
    .filter((f) => f.excess >= o.cartelMinExcess && 2 * f.agreeing > uids.length && !suspects.has(f.uid))
    .sort((a, b) => b.excess - a.excess);
  if (favoured.length === 0) return null;
  const miners = favoured.map((f) => f.uid).sort((a, b) => a - b);
  // The shift is what the group's rows did to its miners' consensus share; the capture is that shift over the group's
  // favour (1: the consensus became the group's rows on its miners).
  const consensusShift = favoured.reduce((a, f) => a + f.consensusShare - f.restShare, 0);
  const favouredExcess = favoured.reduce((a, f) => a + f.excess, 0);
  const capture = favouredExcess > 0 ? consensusShift / favouredExcess : 0;
  const stakeShare = shareSum / epochs;
  return {
    miners,
    evidence: {
      members: uids, stakeShare, kappa, controlsConsensus: stakeShare >= kappa, pivotal: capture >= o.cartelPivotalCapture, consensusShift, capture,
      favoured: favoured.map(({ agreeing: _a, ...f }) => f), favouredExcess,
    },
  };
}
