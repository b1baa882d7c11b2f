import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { scoreReference } from '../../src/scoring/reference/index.js';
import { BATCH_LIMITS } from '../../src/scoring/check-batch.js';
import { scoreBatch } from '../../src/scoring/score.js';
import type { MinerResponse, ScoreBatch } from '../../src/scoring/types.js';

// The WASM wrapper: shape checks, the heap limit, the lazily built synergy matrix, empty batches.

const dense = (...rows: number[][]): MinerResponse => ({ kind: 'dense', probs: Float32Array.from(rows.flat()) });
const batch = (): ScoreBatch => ({
  vocab: 3, targets: Int32Array.of(0, 2), uids: [4, 9, 2],
  responses: [dense([0.5, 0.3, 0.2], [0.2, 0.2, 0.6]), dense([0.2, 0.5, 0.3], [0.1, 0.1, 0.8]), dense([0.6, 0.2, 0.2], [0.5, 0.3, 0.2])],
});
const LOW_FLOOR = { ...SCORING_DEFAULTS, lossFloor: 0.1 };

function errorOf(f: () => unknown): InvalidInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InvalidInputError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('scoreBatch', () => {
  it('refuses a malformed shape, naming the place', () => {
    expect(errorOf(() => scoreBatch({ ...batch(), targets: Int32Array.of(0, 3) }, SCORING_DEFAULTS)).path).toBe('targets[1]');
    expect(errorOf(() => scoreBatch({ ...batch(), uids: [4, 9, 4] }, SCORING_DEFAULTS)).path).toBe('uids[2]');
    expect(errorOf(() => scoreBatch({ ...batch(), uids: [4, 9] }, SCORING_DEFAULTS)).path).toBe('uids');
    const b = batch();
    b.responses[1] = dense([0.5, 0.5]);
    expect(errorOf(() => scoreBatch(b, SCORING_DEFAULTS)).path).toBe('responses[1].probs');
    const t = batch();
    t.responses[2] = { kind: 'topk', ptr: Int32Array.of(0, 2, 1), ids: Int32Array.of(0, 1), probs: Float32Array.of(0.5, 0.5), floor: Float32Array.of(0, 0) };
    expect(errorOf(() => scoreBatch(t, SCORING_DEFAULTS)).path).toBe('responses[2].ptr[2]');
    expect(errorOf(() => scoreBatch({ ...batch(), targets: new Int32Array(0) }, SCORING_DEFAULTS)).path).toBe('targets');
  });

  it('refuses more miners than the engine can hold a synergy matrix for, and scores the most it can', () => {
    const silent = (K: number): ScoreBatch => ({ vocab: 2, targets: Int32Array.of(0), uids: Array.from({ length: K }, (_, k) => k), responses: Array.from({ length: K }, () => ({ kind: 'none' })) });
    const e = errorOf(() => scoreBatch(silent(BATCH_LIMITS.miners + 1), SCORING_DEFAULTS));
    expect(e.path).toBe('responses');
    expect(e.message).toMatch(/at most 11585 miners per batch/);
    expect(scoreBatch(silent(BATCH_LIMITS.miners), SCORING_DEFAULTS).shapley).toHaveLength(BATCH_LIMITS.miners);
  });

  it('builds the synergy matrix when read: symmetric, 0 on the diagonal, equal to the reference, also after another run', () => {
    const r = scoreBatch(batch(), LOW_FLOOR);
    const ref = scoreReference(batch(), LOW_FLOOR);
    // Another run reuses the engine's heap before the first result's matrix is read: it is recomputed, not stale.
    scoreBatch({ ...batch(), targets: Int32Array.of(1, 1) }, LOW_FLOOR);
    const s = r.synergy;
    expect(s).toBe(r.synergy);
    for (let i = 0; i < 3; i++) {
      expect(s[i * 3 + i]).toBe(0);
      for (let j = 0; j < 3; j++) {
        expect(s[i * 3 + j]).toBe(s[j * 3 + i]);
        expect(Math.abs((s[i * 3 + j] as number) - (ref.synergy[i * 3 + j] as number))).toBeLessThanOrEqual(1e-9 * Math.max(1, ref.synergy[i * 3 + j] as number));
      }
    }
    expect(s.some((x) => x > 0)).toBe(true);
  });

  it('scores an empty batch and a batch of silent miners without dividing by zero', () => {
    const empty = scoreBatch({ vocab: 2, targets: Int32Array.of(1), uids: [], responses: [] }, SCORING_DEFAULTS);
    expect(empty.shapley).toHaveLength(0);
    expect(empty.synergy).toHaveLength(0);
    const silent = scoreBatch({ vocab: 2, targets: Int32Array.of(1), uids: [0, 1], responses: [{ kind: 'none' }, { kind: 'none' }] }, SCORING_DEFAULTS);
    expect(Array.from(silent.shapley)).toEqual([0, 0]);
    expect(Array.from(silent.loss)).toEqual([Number.NaN, Number.NaN]);
    expect(silent.responsive).toEqual([false, false]);
  });
});
