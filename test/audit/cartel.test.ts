import { describe, expect, it } from 'vitest';
import { auditEpoch, auditSnapshots, cartelEvidence, denseGroups, maxSubarray, resolveAuditOptions, windowSignFlipTest } from '../../src/audit/index.js';
import type { Finding } from '../../src/audit/index.js';
import { CARTEL_MINERS, planted } from './planted.js';

/*
 * The cartel detector on planted histories (a few fixed seeds; bench/audit runs 100 per case): the planted members are
 * one group, its favoured miners the planted ones, its stake share the planted share, and no honest validator is named.
 * Pricing is off except where pivotality is read (it is computed by the exact engine either way).
 */

const cartels = (fs: Finding[]): Finding[] => fs.filter((f) => f.kind === 'cartel');

describe('planted cartels', () => {
  for (const share of [0.2, 0.4]) {
    it(`finds a ${share * 100}% cartel: its members, favoured miners, stake share and duration, and no honest validator`, () => {
      for (const seed of [101, 202]) {
        const p = planted({ kind: 'cartel', share }, seed);
        const r = auditSnapshots(p.snapshots, { price: false });
        expect(r.findings.map((f) => f.kind)).toEqual(['cartel']);
        const f = r.findings[0]!;
        expect(f.validators).toEqual(p.guilty);
        expect(f.miners).toEqual(CARTEL_MINERS);
        expect(f.pValue).toBeLessThanOrEqual(0.01);
        expect(f.evidence['stakeShare'] as number).toBeCloseTo(share, 9);
        // Below κ (one half) a cartel cannot set the median: the consensus takes up a small part of its favour.
        expect(f.evidence['controlsConsensus']).toBe(false);
        expect(f.evidence['pivotal']).toBe(false);
        expect(f.evidence['capture'] as number).toBeLessThan(0.2);
        // The cartel acts in every epoch: its window is the whole history, within 2 epochs.
        const blocks = p.snapshots.map((s) => s.block);
        expect(blocks.indexOf(f.from)).toBeLessThanOrEqual(2);
        expect(blocks.indexOf(f.to)).toBeGreaterThanOrEqual(blocks.length - 3);
        expect(r.validators.filter((v) => v.flags.length > 0).map((v) => v.uid)).toEqual(p.guilty);
      }
    }, 120_000);
  }

  it('a 40% cartel is found exactly on the bench seeds that a null over all pairs got wrong', () => {
    // With μ and σ over all pairs (commit 04e53b8), seed 18 found no cartel (the MAD inflated by the cartel–honest
    // pairs put its pairs under z 6) and seed 37 flagged four honest validators as a second group.
    for (const seed of [0x5eed0000 + 18, 0x5eed0000 + 37]) {
      const p = planted({ kind: 'cartel', share: 0.4 }, seed);
      const r = auditSnapshots(p.snapshots, { price: false });
      expect(r.findings.map((f) => [f.kind, f.validators])).toEqual([['cartel', p.guilty]]);
    }
  }, 120_000);

  it('flags no one in all-honest runs of the same subnet', () => {
    for (const seed of [101, 202, 303]) {
      const r = auditSnapshots(planted({ kind: 'honest-20' }, seed).snapshots, { price: false });
      expect(r.findings).toEqual([]);
    }
  }, 120_000);

  it('finds when a cartel starts and stops (a history spliced from an honest run and a cartel run of one seed)', () => {
    // Same seed, same quality path and noise draws: the two runs differ only in the members' rows. Epochs 20..44 are
    // the cartel run's, the rest the honest run's; the audit reads each epoch's input as it is.
    const honest = planted({ kind: 'honest-20' }, 303).snapshots;
    const cartel = planted({ kind: 'cartel', share: 0.2 }, 303);
    const spliced = honest.map((s, t) => (t >= 20 && t < 45 ? cartel.snapshots[t]! : s));
    const r = auditSnapshots(spliced, { price: false });
    const [f] = cartels(r.findings);
    expect(f?.validators).toEqual(cartel.guilty);
    const blocks = spliced.map((s) => s.block);
    expect(Math.abs(blocks.indexOf(f!.from) - 20)).toBeLessThanOrEqual(2);
    expect(Math.abs(blocks.indexOf(f!.to) - 44)).toBeLessThanOrEqual(2);
    expect(f!.evidence['epochs']).toBe(blocks.indexOf(f!.to) - blocks.indexOf(f!.from) + 1);
  }, 120_000);

  it('pivotal: a group over κ of the stake becomes the consensus on its miners (exact engine), one under κ does not', () => {
    for (const [share, pivotal] of [[0.6, true], [0.4, false]] as const) {
      const p = planted({ kind: 'cartel', share }, 101);
      const h = p.snapshots.map(auditEpoch);
      const ev = cartelEvidence(h, p.guilty, 0, h.length - 1, resolveAuditOptions({}))!;
      expect(ev.miners).toEqual(CARTEL_MINERS);
      expect(ev.evidence['controlsConsensus']).toBe(pivotal);
      expect(ev.evidence['pivotal']).toBe(pivotal);
      if (pivotal) expect(ev.evidence['capture'] as number).toBeGreaterThan(0.9);
      else expect(ev.evidence['capture'] as number).toBeLessThan(0.2);
    }
  }, 120_000);

  it('documented limit: a cartel over κ is the consensus and is not found; what is found is the honest minority, which the consensus did not follow', () => {
    const p = planted({ kind: 'cartel', share: 0.6 }, 101);
    const r = auditSnapshots(p.snapshots, { price: true });
    // No cartel member is named (their deviations from a consensus they set are noise) ...
    expect(r.findings.flatMap((f) => f.validators).some((u) => p.guilty.includes(u))).toBe(false);
    // ... and any group reported is the minority: under κ, not pivotal, its favour not taken up by the consensus.
    for (const f of cartels(r.findings)) {
      expect(f.evidence['controlsConsensus']).toBe(false);
      expect(f.evidence['pivotal']).toBe(false);
      expect(f.evidence['capture'] as number).toBeLessThan(0.2);
    }
  }, 120_000);
});

describe('community detection', () => {
  it('splits two cliques joined by one edge and leaves out an isolated vertex and a pendant one', () => {
    const edges = new Set<string>();
    const add = (a: number, b: number): void => { edges.add(`${a},${b}`); edges.add(`${b},${a}`); };
    for (const g of [[0, 1, 2, 3], [4, 5, 6, 7]]) for (const a of g) for (const b of g) if (a < b) add(a, b);
    add(3, 4); // the bridge
    add(7, 8); // a pendant vertex on the second clique
    const groups = denseGroups(10, (i, k) => edges.has(`${i},${k}`));
    expect(groups.map((g) => g.join(' ')).sort()).toEqual(['0 1 2 3', '4 5 6 7']);
  });

  it('finds no group in a graph without edges', () => {
    expect(denseGroups(6, () => false)).toEqual([]);
  });
});

describe('the max-subarray sign-flip test', () => {
  it('finds the run of largest sum', () => {
    expect(maxSubarray([-1, 2, 3, -9, 4])).toEqual({ sum: 5, start: 1, end: 2 });
    expect(maxSubarray([-3, -1, -2])).toEqual({ sum: -1, start: 1, end: 1 });
  });

  it('rejects at about its level on symmetric noise, and finds a shifted block', () => {
    let s = 777;
    const rand = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32 - 0.5; };
    let rejections = 0;
    for (let k = 0; k < 200; k++) if (windowSignFlipTest(Array.from({ length: 40 }, rand), 199, k).pValue <= 0.05) rejections++;
    expect(rejections).toBeLessThanOrEqual(22); // 5% of 200 is 10; the binomial's 99.9% bound is about 22
    const block = Array.from({ length: 60 }, (_, i) => rand() + (i >= 15 && i < 40 ? 0.6 : 0));
    const t = windowSignFlipTest(block, 999, 3);
    expect(t.pValue).toBeLessThanOrEqual(0.01);
    expect(Math.abs(t.start - 15)).toBeLessThanOrEqual(3);
    expect(Math.abs(t.end - 39)).toBeLessThanOrEqual(3);
  });
});
