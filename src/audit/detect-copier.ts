import type { AuditOptions } from './options.js';
import { hasRow, rowDistributionOf, rowUids } from './history.js';
import { maxSuffix, median, overlap, suffixSignFlipTest, vectorDistribution } from './statistics.js';
import type { AuditEpoch, DetectedWindow } from './types.js';

/*
 * The copier detector (docs/audit.md, "Copiers"). A copier publishes the consensus it read from the chain some epochs
 * ago; an honest validator publishes what it measured now, which the current consensus (the clipped median of such
 * rows) follows. Per validator j and lag d, epoch by epoch:
 *   x_t = overlap(w_j(t), C(t−d)) − overlap(w_j(t), C(t))
 * where overlap is Σ min of the two distributions (the vtrust form). A stable subnet makes C(t−d) ≈ C(t), so x_t ≈ 0
 * for everyone and nothing is flagged (legitimate agreement is not evidence); a drifting one makes x_t < 0 for honest
 * validators and > 0 for a lag-d copier. The test runs on y_t = x_t − median over the other validators of their x_t
 * (the margin over the peers, epoch by epoch), with the change-point sign-flip permutation test over epochs.
 */

/** A copier candidate (before pricing). */
export interface CopierCandidate extends DetectedWindow {
  uid: number;
  lag: number;
}

/** The uids with a weights row in at least `min` epochs. */
export function activeValidators(history: readonly AuditEpoch[], min: number): number[] {
  const count = new Map<number, number>();
  for (const e of history) for (const uid of rowUids(e)) count.set(uid, (count.get(uid) ?? 0) + 1);
  return [...count].filter(([, c]) => c >= min).map(([u]) => u).sort((a, b) => a - b);
}

/**
 * Validator v's row at epoch t as a distribution, or null when it published none since the previous epoch of the
 * history: a stale row (a validator that stopped setting weights, an inactive one) is not a publication at t.
 */
export function publishedRow(history: readonly AuditEpoch[], t: number, v: number): Float64Array | null {
  const e = history[t]!;
  const fresh = t === 0 || (e.input.lastUpdate[v] ?? 0) > history[t - 1]!.block - 1;
  return fresh && hasRow(e, v) ? rowDistributionOf(e, v) : null;
}

/** The lags tested: 1..maxLag, plus commitRevealExtraLags when any epoch of the window has commit-reveal on. */
export function testedLags(history: readonly AuditEpoch[], o: AuditOptions): number[] {
  const cr = history.some((e) => e.input.commitRevealEnabled === true);
  const max = o.maxLag + (cr ? o.commitRevealExtraLags : 0);
  return Array.from({ length: max }, (_, i) => i + 1);
}

/** Runs the copier detector over the whole history. */
export function detectCopiers(history: readonly AuditEpoch[], o: AuditOptions): CopierCandidate[] {
  const T = history.length;
  const cons = history.map((e) => vectorDistribution(e.consensus));
  const validators = activeValidators(history, o.minEpochs);
  // Only rows published since the previous epoch of the history count: a stale row (a validator that stopped setting
  // weights, an inactive one) is not a publication at t, and next to a moving consensus it looks lagged. The rows are
  // read from the packed history when needed, not kept: V × T distributions of n doubles were 131 MB at 64 validators,
  // 1,000 epochs and n = 256; what is kept is whether each validator published at each epoch.
  const present = new Map<number, Uint8Array>();
  const rowAt = (v: number, t: number): Float64Array | null => publishedRow(history, t, v);
  const lags = testedLags(history, o);
  const alpha = o.alpha / lags.length; // Bonferroni over the lags tried
  // x_t per validator and lag, and the current-consensus overlap (vtrust's form), once.
  const series = new Map<number, Map<number, Float64Array>>();
  for (const v of validators) {
    const byLag = new Map<number, Float64Array>(lags.map((d) => [d, new Float64Array(Math.max(T - d, 0))]));
    const p = new Uint8Array(T);
    for (let t = 0; t < T; t++) {
      const w = rowAt(v, t);
      if (w === null) continue;
      p[t] = 1;
      const current = overlap(w, cons[t]!);
      for (const d of lags) if (t >= d) byLag.get(d)![t - d] = overlap(w, cons[t - d]!) - current;
    }
    present.set(v, p);
    series.set(v, byLag);
  }
  // y_t = x_t − the median of the other validators' x_t at the same epoch: the margin over the peers, epoch by epoch.
  // Common movements of the whole subnet (drift, a stable spell, a new miner) cancel; an honest validator's y is
  // symmetric about 0, which is what the sign flips assume.
  const margins = new Map<number, Map<number, Float64Array>>();
  for (const v of validators) {
    const byLag = new Map<number, Float64Array>();
    for (const d of lags) {
      const x = series.get(v)!.get(d)!;
      const y = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const peers: number[] = [];
        for (const u of validators) if (u !== v && present.get(u)![i + d] === 1) peers.push(series.get(u)!.get(d)![i] as number);
        y[i] = present.get(v)![i + d] !== 1 ? 0 : (x[i] as number) - median(peers);
      }
      byLag.set(d, y);
    }
    margins.set(v, byLag);
  }
  const out: CopierCandidate[] = [];
  for (const v of validators) {
    let best: CopierCandidate | null = null;
    for (const d of lags) {
      const y = margins.get(v)!.get(d)!;
      if (y.length < o.minEpochs) continue;
      const test = suffixSignFlipTest(y, o.permutations, (o.seed ^ Math.imul(v + 1, 0x9e3779b1) ^ d) >>> 0);
      // The window: the suffix of largest sum of y − copierMinMargin (a margin under the floor counts against it, so
      // the small positive noise of the epochs before a copier starts does not stretch its window back).
      const start = maxSuffix(Array.from(y, (q) => q - o.copierMinMargin)).start;
      if (y.length - start < o.minEpochs) continue;
      let margin = 0, raw = 0;
      const x = series.get(v)!.get(d)!;
      for (let i = start; i < y.length; i++) { margin += y[i] as number; raw += x[i] as number; }
      margin /= y.length - start;
      raw /= y.length - start;
      // Beyond the peers, the row itself must sit closer to the lagged consensus than to the current one: a validator
      // that follows neither (a self-dealer, one with its own view) has x ≈ 0, hence a positive margin over honest
      // peers whose x is negative in a drifting subnet, and is not a copier.
      if (test.pValue > alpha || margin < o.copierMinMargin || raw < o.copierMinMargin / 2) continue;
      if (best === null || margin > best.statistic) {
        best = { uid: v, lag: d, fromIndex: start + d, toIndex: T - 1, statistic: margin, pValue: test.pValue, evidence: {} };
      }
    }
    if (best === null) continue;
    best.evidence = copierEvidence(history, rowAt, cons, best, validators, lags, o);
    if (allowed(best, o)) continue;
    out.push(best);
  }
  return out;
}

/** The allow-list: a pair declared by the subnet, when the candidate's row tracks its partner more than the lagged consensus. */
function allowed(c: CopierCandidate, o: AuditOptions): boolean {
  const partner = c.evidence['closestPeer'] as number | null;
  const peerSim = c.evidence['peerSimilarity'] as number;
  const lagSim = c.evidence['laggedConsensusSimilarity'] as number;
  if (partner === null) return false;
  return o.allow.some(([a, b]) => ((a === c.uid && b === partner) || (b === c.uid && a === partner))) && peerSim >= lagSim;
}

function copierEvidence(history: readonly AuditEpoch[], rowAt: (v: number, t: number) => Float64Array | null, cons: Float64Array[], c: CopierCandidate, validators: number[], lags: number[], o: AuditOptions): Record<string, unknown> {
  const chart: Array<{ block: number; lagged: number | null; current: number | null }> = [];
  let lagSum = 0, curSum = 0, selfSum = 0, selfN = 0, k = 0;
  const peerSum = new Map<number, number>();
  const perLag: Record<string, number> = {};
  for (const d of lags) perLag[String(d)] = 0;
  let prev: Float64Array | null = null;
  for (let t = 0; t < history.length; t++) {
    const last = prev;
    const w = rowAt(c.uid, t);
    prev = w;
    const lagged = w !== null && w !== undefined && t >= c.lag ? overlap(w, cons[t - c.lag]!) : null;
    const current = w !== null && w !== undefined ? overlap(w, cons[t]!) : null;
    chart.push({ block: history[t]!.block, lagged, current });
    if (t < c.fromIndex || w === null || w === undefined) continue;
    k++;
    lagSum += lagged ?? 0;
    curSum += current ?? 0;
    for (const d of lags) if (t >= d) perLag[String(d)] = (perLag[String(d)] as number) + overlap(w, cons[t - d]!);
    if (last !== null) { selfSum += overlap(w, last); selfN++; }
    for (const u of validators) {
      if (u === c.uid) continue;
      const p = rowAt(u, t);
      if (p !== null) peerSum.set(u, (peerSum.get(u) ?? 0) + overlap(w, p));
    }
  }
  let closestPeer: number | null = null, peerBest = 0;
  for (const [u, s] of peerSum) if (s > peerBest) { peerBest = s; closestPeer = u; }
  for (const d of lags) perLag[String(d)] = k > 0 ? (perLag[String(d)] as number) / k : 0;
  return {
    lag: c.lag,
    lagsTested: lags,
    laggedConsensusSimilarity: k > 0 ? lagSum / k : 0,
    currentConsensusSimilarity: k > 0 ? curSum / k : 0,
    similarityByLag: perLag,
    peerSimilarity: k > 0 ? peerBest / k : 0,
    closestPeer,
    selfSimilarity: selfN > 0 ? selfSum / selfN : 0,
    marginOverPeers: c.statistic,
    epochs: k,
    permutations: o.permutations,
    chart,
  };
}
