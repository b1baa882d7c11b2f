import { describe, expect, it } from 'vitest';
import { auditSnapshots, maxSuffix, suffixSignFlipTest } from '../../src/audit/index.js';
import type { AuditReport } from '../../src/audit/index.js';
import { planted } from './planted.js';
import type { PlantedCase } from './planted.js';

/*
 * Detection on planted histories (a few fixed seeds; bench/audit runs 100 per case): each case flags exactly its
 * guilty validator, with the right kind, and never an honest one. The pricing is off here (the pricing test checks it).
 */

const flagged = (r: AuditReport, kind: string): number[] => r.findings.filter((f) => f.kind === kind).flatMap((f) => f.validators).sort();

describe('planted histories', () => {
  const cases: Array<[string, PlantedCase, string]> = [
    ['copier at lag 1', { kind: 'copier', lag: 1 }, 'copier'],
    ['copier at lag 2', { kind: 'copier', lag: 2 }, 'copier'],
    ['copier at lag 3', { kind: 'copier', lag: 3 }, 'copier'],
    ['copier at lag 2 under commit-reveal', { kind: 'copier', lag: 2, commitReveal: true }, 'copier'],
    ['self-dealer', { kind: 'self-dealing' }, 'self-dealing'],
  ];
  for (const [name, c, kind] of cases) {
    it(`flags the ${name} and no one else`, () => {
      for (const seed of [101, 202]) {
        const p = planted(c, seed);
        const r = auditSnapshots(p.snapshots, { price: false });
        expect(r.findings.map((f) => f.kind)).toEqual([kind]);
        expect(flagged(r, kind)).toEqual(p.guilty);
        const f = r.findings[0]!;
        expect(f.pValue).toBeLessThanOrEqual(0.01);
        if (c.kind === 'copier') {
          expect(f.evidence['lag']).toBe(c.lag);
          // The behaviour starts at epoch 20; the change point is found within a few epochs of it.
          const start = p.snapshots.findIndex((s) => s.block === f.from);
          expect(Math.abs(start - (20 + c.lag))).toBeLessThanOrEqual(3);
        } else {
          expect(f.miners).toEqual(p.ownMiners);
        }
        expect(r.validators.filter((v) => v.flags.length > 0).map((v) => v.uid)).toEqual(p.guilty);
      }
    }, 60_000);
  }

  it('flags no one in all-honest runs', () => {
    for (const seed of [101, 202, 303]) {
      const r = auditSnapshots(planted({ kind: 'honest' }, seed).snapshots, { price: false });
      expect(r.findings).toEqual([]);
      expect(r.validators.map((v) => v.uid)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
  }, 60_000);

  it('does not flag validators that agree in a stable subnet (no drift: every row is close to every consensus)', () => {
    for (const seed of [101, 202]) {
      const p = planted({ kind: 'honest' }, seed, 60, 0);
      const h = p.snapshots;
      // The subnet is stable: each validator's row overlaps the consensus-like mean row by far more than 0.9.
      const last = h[h.length - 1]!.input.weights;
      const norm = (r: Array<[number, number]>): number[] => { const t = r.reduce((a, [, v]) => a + v, 0); return r.map(([, v]) => v / t); };
      const a = norm(last[0]!), b = norm(last[5]!);
      expect(a.reduce((s, x, i) => s + Math.min(x, b[i]!), 0)).toBeGreaterThan(0.9);
      expect(auditSnapshots(h, { price: false }).findings).toEqual([]);
    }
  }, 60_000);

  it('an allow-listed pair is not reported when the suspect tracks its declared partner', () => {
    // uid 8 copies the consensus, not a peer: the allow-list of (8, 0) does not excuse it.
    const p = planted({ kind: 'copier', lag: 1 }, 101);
    const r = auditSnapshots(p.snapshots, { price: false, allow: [[8, 0]] });
    expect(flagged(r, 'copier')).toEqual([8]);
  }, 60_000);
});

describe('the change-point sign-flip test', () => {
  it('finds the suffix with the largest sum', () => {
    expect(maxSuffix([1, -5, 2, 3])).toEqual({ sum: 5, start: 2 });
    expect(maxSuffix([-1, -2])).toEqual({ sum: -2, start: 1 });
  });

  it('gives a uniform-ish p-value on symmetric noise and a small one on a shifted suffix', () => {
    let rejections = 0;
    let s = 12345;
    const rand = (): number => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32 - 0.5; };
    for (let k = 0; k < 200; k++) {
      const x = Array.from({ length: 40 }, rand);
      if (suffixSignFlipTest(x, 199, k).pValue <= 0.05) rejections++;
    }
    // 5% of 200 is 10; the binomial's 99.9% bound is about 22.
    expect(rejections).toBeLessThanOrEqual(22);
    const shifted = Array.from({ length: 40 }, (_, i) => rand() + (i >= 25 ? 0.6 : 0));
    const t = suffixSignFlipTest(shifted, 999, 1);
    expect(t.pValue).toBeLessThanOrEqual(0.01);
    expect(Math.abs(t.start - 25)).toBeLessThanOrEqual(3);
  });
});
