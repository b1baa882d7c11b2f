import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { hellinger, scoreReference } from '../../src/scoring/reference/index.js';
import type { MinerResponse, ScoreBatch, ScoreResult, ScoringParams } from '../../src/scoring/types.js';

/*
 * The float64 reference against numbers worked out independently of it: closed forms written here, and values computed
 * with mpmath at 50 digits from the same float32 inputs by a separate Python transcription of the model (quoted as
 * decimal literals below).
 */

const P = SCORING_DEFAULTS;
const W = 1310 / 65535;

function dense(rows: number[][]): MinerResponse {
  return { kind: 'dense', probs: Float32Array.from(rows.flat()) };
}

function topk(rows: Array<Array<[number, number]>>, floor: number[]): MinerResponse {
  const ptr = new Int32Array(rows.length + 1);
  rows.forEach((r, b) => (ptr[b + 1] = (ptr[b] as number) + r.length));
  return {
    kind: 'topk',
    ptr,
    ids: Int32Array.from(rows.flat().map(([id]) => id)),
    probs: Float32Array.from(rows.flat().map(([, p]) => p)),
    floor: Float32Array.from(floor),
  };
}

const NONE: MinerResponse = { kind: 'none' };

function batch(vocab: number, targets: number[], responses: MinerResponse[], uids?: number[]): ScoreBatch {
  return { vocab, targets: Int32Array.from(targets), uids: uids ?? responses.map((_, k) => k), responses };
}

/** |actual − expected| ≤ rel·|expected| (or ≤ rel when expected is 0). */
function expectClose(actual: number | undefined, expected: number, rel = 1e-12): void {
  expect(actual).toBeTypeOf('number');
  const a = actual as number;
  if (!Number.isFinite(expected)) {
    expect(a).toBe(expected);
    return;
  }
  const tol = rel * Math.max(Math.abs(expected), expected === 0 ? 1 : 0);
  if (!(Math.abs(a - expected) <= tol)) expect.fail(`expected ${a} to be within ${rel} (relative) of ${expected}`);
}

/** Kaplan's law written the other way round from the engine: 8.8e13 · max(L, 1.69)^(−1/0.076). */
function kaplan(loss: number, floor = 1.69): number {
  return 8.8e13 * Math.pow(Math.max(loss, floor), -1 / 0.076);
}

const f = Math.fround;

describe('scoreReference: two complementary miners (V = 3, B = 2)', () => {
  // Miner 0 is good on query 0 and bad on query 1, miner 1 the reverse: their pair beats either alone.
  const rows0 = [[0.16, 0.5, 0.34], [0.5, 0.01, 0.49]];
  const rows1 = [[0.01, 0.5, 0.49], [0.5, 0.16, 0.34]];
  const r = scoreReference(batch(3, [0, 1], [dense(rows0), dense(rows1)]), P);

  it('losses are −ln of the renormalised float32 target probability', () => {
    const sum = (row: number[]): number => row.reduce((s, x) => s + f(x), 0);
    const l00 = -Math.log(f(0.16) / sum(rows0[0] as number[]));
    const l01 = -Math.log(f(0.01) / sum(rows0[1] as number[]));
    expectClose(r.lossPerQuery[0], l00);
    expectClose(r.lossPerQuery[1], l01);
    expectClose(r.lossPerQuery[0], 1.8325814861000522);
    expectClose(r.lossPerQuery[1], 4.605170217653059);
    expectClose(r.lossPerQuery[2], 4.605170217653059);
    expectClose(r.lossPerQuery[3], 1.8325814861000522);
    expectClose(r.loss[0], (l00 + l01) / 2);
    expectClose(r.loss[0], 3.2188758518765557);
    expectClose(r.loss[1], 3.2188758518765557);
  });

  it('estParams is Kaplan’s law of the mean loss, baseParams its square root', () => {
    expectClose(r.estParams[0], kaplan(3.2188758518765557), 1e-11);
    expectClose(r.estParams[0], 18372315.657053888);
    expectClose(r.baseParams[0], 4286.293930314846);
    expectClose(r.baseParams[1], Math.sqrt(r.estParams[1] as number));
  });

  it('the pair’s synergy: (N(measured)^½ − N(expected)^½) / 2 / R, shared by both', () => {
    const q = (l: number): number => Math.exp(-l);
    const measured = -Math.log((q(1.8325814861000522) + q(4.605170217653059)) / 2);
    const byHand = (Math.sqrt(kaplan(measured)) - Math.sqrt(kaplan(3.2188758518765557))) / 2 / 2;
    expectClose(r.synergy[1], byHand, 1e-10);
    expectClose(r.synergy[1], 5127.372172102811);
    expectClose(r.synergy[2], 5127.372172102811);
    expect(r.synergy[0]).toBe(0);
    expect(r.synergy[3]).toBe(0);
    expectClose(r.synergyTotal[0], 5127.372172102811);
    expectClose(r.synergyTotal[1], 5127.372172102811);
  });

  it('divergence is the mean Hellinger distance from the mean distribution; two miners never exceed avg + std', () => {
    expectClose(r.divergence[0], 0.11454866670818487);
    expectClose(r.divergence[1], 0.11454866670818487);
    expect(r.divergenceExcess[0]).toBe(0);
    expect(r.divergenceExcess[1]).toBe(0);
  });

  it('shapley = base + synergy when nothing diverges', () => {
    expectClose(r.shapley[0], 9413.666102417657);
    expectClose(r.shapley[1], 9413.666102417657);
    expect(r.responsive).toEqual([true, true]);
    expect(r.uids).toEqual([0, 1]);
  });
});

describe('scoreReference: garbage rows, an unresponsive miner and top-k (V = 2, B = 2)', () => {
  // Miner 0's second row holds a NaN (a JSON null on the wire); miner 1 timed out; miner 2 answers in top-k form.
  const r = scoreReference(
    batch(2, [1, 0], [dense([[0.3, 0.7], [Number.NaN, 0.5]]), NONE, topk([[[1, 0.6]], [[0, 0.9]]], [0.1, 0.05])], [4, 9, 2]),
    P,
  );

  it('a garbage row scores worstLoss; top-k rows are renormalised with the floor', () => {
    expectClose(r.lossPerQuery[0], -Math.log(f(0.7) / (f(0.3) + f(0.7))));
    expect(r.lossPerQuery[1]).toBe(20);
    expectClose(r.loss[0], 10.178337480484316);
    expectClose(r.lossPerQuery[4], -Math.log(f(0.6) / (f(0.6) + f(0.1))));
    expectClose(r.lossPerQuery[5], -Math.log(f(0.9) / (f(0.9) + f(0.05))));
    expectClose(r.loss[2], 0.10410894986408555);
  });

  it('the unresponsive miner: NaN losses and divergence, zero everything else', () => {
    expect(r.responsive).toEqual([true, false, true]);
    expect(r.uids).toEqual([4, 9, 2]);
    expect(r.lossPerQuery[2]).toBeNaN();
    expect(r.lossPerQuery[3]).toBeNaN();
    expect(r.loss[1]).toBeNaN();
    expect(r.divergence[1]).toBeNaN();
    for (const a of [r.estParams, r.baseParams, r.synergyTotal, r.divergenceExcess, r.shapley]) expect(a[1]).toBe(0);
    for (let j = 0; j < 3; j++) {
      expect(r.synergy[1 * 3 + j]).toBe(0);
      expect(r.synergy[j * 3 + 1]).toBe(0);
    }
  });

  it('scaling law values, and a loss under the floor counts as the floor', () => {
    expectClose(r.estParams[0], 4.84815835030881);
    expectClose(r.estParams[0], kaplan(10.178337480484316), 1e-11);
    expectClose(r.baseParams[0], 2.20185338983067);
    expectClose(r.estParams[2], 88302581638.87256);
    expectClose(r.estParams[2], kaplan(1.69), 1e-11);
    expectClose(r.shapley[2], 297157.5030835879);
  });

  it('a garbage row is at distance 1; no synergy when the pair’s loss is under the floor', () => {
    expectClose(r.divergence[0], 0.531707411512732);
    expectClose(r.divergence[2], 0.03616364834884331);
    expect(r.synergy[0 * 3 + 2]).toBe(0);
    expectClose(r.shapley[0], 2.20185338983067);
  });
});

describe('scoreReference: the divergence penalty', () => {
  it('3 agreeing miners and an outlier: the outlier’s excess is ((n−1)/√n − 1)^3 = 1/8 (n = 4)', () => {
    const r = scoreReference(batch(2, [0], [dense([[0.5, 0.5]]), dense([[0.5, 0.5]]), dense([[0.5, 0.5]]), dense([[0.9, 0.1]])]), P);
    expectClose(r.divergenceExcess[3], 0.12499999592591236, 1e-9);
    expectClose(r.divergence[3], 0.2552510044996597);
    expectClose(r.divergence[0], 0.07116071176807784);
    for (let k = 0; k < 3; k++) expect(r.divergenceExcess[k]).toBe(0);
    const base = Math.sqrt(kaplan(1.69));
    expectClose(r.shapley[0], base, 1e-11);
    expectClose(r.shapley[3], base / (1 + W * 0.12499999592591236), 1e-11);
    expectClose(r.shapley[3], 296416.8567311391);
  });

  it('15 agreeing miners and an outlier: the excess (2.75^3) is capped at 10', () => {
    const agree = Array.from({ length: 15 }, () => dense([[0.5, 0.5]]));
    const r = scoreReference(batch(2, [0], [...agree, dense([[0.9, 0.1]])]), P);
    expect(r.divergenceExcess[15]).toBe(10);
    expectClose(r.divergence[15], 0.3076827847665132);
    expectClose(r.shapley[15], 247653.29642758227);
    expectClose(r.shapley[15], Math.sqrt(kaplan(1.69)) / (1 + W * 10), 1e-11);
  });

  it('divergenceWeight scales the penalty: shapley / (1 + w · excess)', () => {
    const responses = [dense([[0.5, 0.5]]), dense([[0.5, 0.5]]), dense([[0.5, 0.5]]), dense([[0.9, 0.1]])];
    const r = scoreReference(batch(2, [0], responses), { ...P, divergenceWeight: 1 });
    expectClose(r.shapley[3], Math.sqrt(kaplan(1.69)) / (1 + 0.12499999592591236), 1e-11);
    const off = scoreReference(batch(2, [0], responses), { ...P, divergenceWeight: 0 });
    expectClose(off.shapley[3], Math.sqrt(kaplan(1.69)), 1e-11);
  });

  it('Hellinger distance of opposite certainties from their mean is √(1 − √2/2)', () => {
    const r = scoreReference(batch(2, [0], [dense([[1, 0]]), dense([[0, 1]])]), P);
    expectClose(r.divergence[0], Math.sqrt(1 - Math.SQRT2 / 2));
    expectClose(r.divergence[1], Math.sqrt(1 - Math.SQRT2 / 2));
    expect(r.lossPerQuery[1]).toBe(20); // p_target = 0
    expectClose(hellinger(Float64Array.of(1, 0), Float64Array.of(0, 1)), 1);
  });

  it('d = 0 when every miner gives the same distribution', () => {
    const same = [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]];
    const r = scoreReference(batch(3, [2, 0], [dense(same), dense(same), dense(same)]), P);
    for (let k = 0; k < 3; k++) {
      expect(r.divergence[k]).toBeLessThan(1e-8);
      expect(r.divergenceExcess[k]).toBeLessThan(1e-12);
    }
  });

  it('with no valid row at a query, every responsive miner is at distance 1 and none exceeds', () => {
    const r = scoreReference(batch(2, [0], [dense([[0, 0]]), dense([[-1, 2]]), NONE]), P);
    expect(r.divergence[0]).toBe(1);
    expect(r.divergence[1]).toBe(1);
    expect(r.divergenceExcess[0]).toBe(0);
    expect(r.divergenceExcess[1]).toBe(0);
    expect(r.loss[0]).toBe(20);
    expect(r.loss[1]).toBe(20);
  });

  it('a single responsive miner: std 0, no excess, no synergy', () => {
    const r = scoreReference(batch(3, [1], [dense([[0.1, 0.05, 0.85]]), NONE]), P);
    expect(r.divergenceExcess[0]).toBe(0);
    expect(r.divergence[0]).toBeLessThan(1e-8);
    expect(r.synergyTotal[0]).toBe(0);
    const l = -Math.log(f(0.05) / (f(0.1) + f(0.05) + f(0.85)));
    expectClose(r.loss[0], l);
    expectClose(r.shapley[0], Math.sqrt(kaplan(l)), 1e-11);
  });
});

describe('scoreReference: synergy facts', () => {
  const good0 = [[0.16, 0.5, 0.34], [0.5, 0.01, 0.49]];
  const good1 = [[0.01, 0.5, 0.49], [0.5, 0.16, 0.34]];

  it('a copy of a miner gets no synergy with its twin (measured = its own loss = expected)', () => {
    const r = scoreReference(batch(3, [0, 1], [dense(good0), dense(good0), dense(good1)]), P);
    const base = r.baseParams[0] as number;
    expect(r.synergy[0 * 3 + 1]).toBeLessThan(1e-9 * base);
    // Each twin still gains from the complementary miner, now shared among R = 3.
    const q = (l: number): number => Math.exp(-l);
    const measured = -Math.log((q(1.8325814861000522) + q(4.605170217653059)) / 2);
    const byHand = (Math.sqrt(kaplan(measured)) - Math.sqrt(kaplan(3.2188758518765557))) / 2 / 3;
    expectClose(r.synergy[0 * 3 + 2], byHand, 1e-10);
    expectClose(r.synergy[1 * 3 + 2], byHand, 1e-10);
    expectClose(r.synergyTotal[2], 2 * byHand, 1e-10);
  });

  it('no synergy when the pair is worse than its better member', () => {
    // Both miners give the target 0.1 and 0.05 on every query: the pair's 0.075 is worse than 0.1.
    const r = scoreReference(batch(3, [0], [dense([[0.1, 0.45, 0.45]]), dense([[0.05, 0.9, 0.05]])]), P);
    expect(r.synergy[1]).toBe(0);
    expectClose(r.loss[0], -Math.log(f(0.1) / (f(0.1) + f(0.45) + f(0.45))));
  });

  it('synergyScalingLawPower 1: the share is the difference of the estimated parameters', () => {
    const r = scoreReference(batch(3, [0, 1], [dense(good0), dense(good1)]), { ...P, synergyScalingLawPower: 1, scalingLawPower: 1 });
    const q = (l: number): number => Math.exp(-l);
    const measured = -Math.log((q(1.8325814861000522) + q(4.605170217653059)) / 2);
    expectClose(r.synergy[1], (kaplan(measured) - kaplan(3.2188758518765557)) / 4, 1e-10);
    expectClose(r.baseParams[0], r.estParams[0] as number);
  });
});

describe('scoreReference: garbage and top-k rows', () => {
  const good = [0.2, 0.3, 0.5];
  const cases: Array<[string, MinerResponse]> = [
    ['a NaN entry', dense([[0.2, Number.NaN, 0.5]])],
    ['a negative entry', dense([[0.2, -0.3, 0.5]])],
    ['an infinite entry', dense([[0.2, Number.POSITIVE_INFINITY, 0.5]])],
    ['an all-zero row', dense([[0, 0, 0]])],
    ['a repeated top-k id', topk([[[1, 0.3], [1, 0.2]]], [0.1])],
    ['a top-k id out of range', topk([[[3, 0.3]]], [0.1])],
    ['a negative top-k id', topk([[[-1, 0.3]]], [0.1])],
    ['a NaN top-k probability', topk([[[0, Number.NaN]]], [0.1])],
    ['a NaN floor', topk([[[0, 0.3]]], [Number.NaN])],
    ['a negative floor', topk([[[0, 0.3]]], [-0.1])],
    ['a top-k row of zero mass', topk([[[0, 0]]], [0])],
    ['an empty top-k row with floor 0', topk([[]], [0])],
  ];
  for (const [what, response] of cases) {
    it(`${what} makes the row garbage: worstLoss and distance 1`, () => {
      const r = scoreReference(batch(3, [2], [response, dense([good])]), { ...P, worstLoss: 17 });
      expect(r.responsive[0]).toBe(true);
      expect(r.lossPerQuery[0]).toBe(17);
      expect(r.divergence[0]).toBe(1);
      // The other miner's row is the only valid one, so it is the mean: distance 0.
      expect(r.divergence[1]).toBeLessThan(1e-8);
      expectClose(r.estParams[0], kaplan(17), 1e-11);
    });
  }

  it('a top-k row scores as its equivalent dense row', () => {
    // V = 5; listed 3 → 0.4, 0 → 0.25; the three others 0.05 each (total 0.8, renormalised).
    const t = topk([[[3, 0.4], [0, 0.25]], [[4, 0.7]]], [0.05, 0.1]);
    const d = dense([[0.25, 0.05, 0.05, 0.4, 0.05], [0.1, 0.1, 0.1, 0.1, 0.7]]);
    const other = dense([[0.1, 0.2, 0.3, 0.2, 0.2], [0.3, 0.1, 0.1, 0.4, 0.1]]);
    const a = scoreReference(batch(5, [3, 1], [t, other]), P);
    const b = scoreReference(batch(5, [3, 1], [d, other]), P);
    expectResultsClose(a, b, 1e-12);
    expectClose(a.lossPerQuery[0], -Math.log(f(0.4) / (f(0.4) + f(0.25) + 3 * f(0.05))));
    expectClose(a.lossPerQuery[1], -Math.log(f(0.1) / (f(0.7) + 4 * f(0.1))));
  });

  it('the loss is capped at worstLoss even for a valid row', () => {
    const r = scoreReference(batch(2, [0], [dense([[1e-30, 1]])]), P);
    expect(r.lossPerQuery[0]).toBe(20);
    const r2 = scoreReference(batch(2, [0], [dense([[1e-30, 1]])]), { ...P, worstLoss: 100 });
    expectClose(r2.lossPerQuery[0], -Math.log(f(1e-30) / (f(1e-30) + 1)));
  });

  it('all miners unresponsive, and no miners at all', () => {
    const r = scoreReference(batch(2, [0, 1], [NONE, NONE]), P);
    expect([...r.shapley]).toEqual([0, 0]);
    expect([...r.loss].every(Number.isNaN)).toBe(true);
    expect([...r.synergy]).toEqual([0, 0, 0, 0]);
    const empty = scoreReference(batch(2, [0], []), P);
    expect(empty.shapley.length).toBe(0);
    expect(empty.synergy.length).toBe(0);
  });
});

describe('scoreReference: structure errors', () => {
  const good = dense([[0.5, 0.5]]);
  function code(b: ScoreBatch, p: ScoringParams = P): string {
    try {
      scoreReference(b, p);
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      return (e as InvalidInputError).path;
    }
    return 'no error';
  }
  it('names the place', () => {
    expect(code(batch(2, [2], [good]))).toBe('batch.targets[0]');
    expect(code(batch(1, [0], [good]))).toBe('batch.vocab');
    expect(code(batch(2, [], [good]))).toBe('batch.targets');
    expect(code(batch(2, [0], [good, good], [3, 3]))).toBe('batch.uids[1]');
    expect(code(batch(2, [0], [good], [0, 1]))).toBe('batch.responses');
    expect(code(batch(2, [0], [dense([[0.5, 0.5, 0]])]))).toBe('batch.responses[0].probs');
    const t = topk([[[0, 0.5]], [[1, 0.5]]], [0, 0]);
    if (t.kind !== 'topk') throw new Error('unreachable');
    expect(code(batch(2, [0], [t]))).toBe('batch.responses[0].ptr');
    expect(code(batch(2, [0, 1], [{ ...t, ptr: Int32Array.of(0, 2, 1) }]))).toBe('batch.responses[0].ptr[2]');
    expect(code(batch(2, [0, 1], [{ ...t, ptr: Int32Array.of(1, 1, 2) }]))).toBe('batch.responses[0].ptr[0]');
    expect(code(batch(2, [0, 1], [{ ...t, ptr: Int32Array.of(0, 1, 1) }]))).toBe('batch.responses[0].ptr[2]');
    expect(code(batch(2, [0, 1], [{ ...t, floor: Float32Array.of(0) }]))).toBe('batch.responses[0].floor');
    expect(code(batch(2, [0, 1], [{ ...t, probs: Float32Array.of(0) }]))).toBe('batch.responses[0].probs');
    expect(code(batch(2, [0], [{ kind: 'dense', probs: [0.5, 0.5] as unknown as Float32Array }]))).toBe('batch.responses[0].probs');
    expect(code(batch(2, [0], [{ kind: 'other' } as unknown as MinerResponse]))).toBe('batch.responses[0].kind');
    expect(code(batch(2, [0], [good]), { ...P, lossFloor: -1 })).toBe('params.lossFloor');
    expect(code(batch(2, [0], [good]), { ...P, worstLoss: Number.NaN })).toBe('params.worstLoss');
    expect(code(batch(2, [0], [good]))).toBe('no error');
    expect(code(batch(2, [0], [good], [70000]))).toBe('no error');
    expect(code(batch(2, [0], [good], [-1]))).toBe('batch.uids[0]');
    expect(code(batch(2, [0], [good], [1.5]))).toBe('batch.uids[0]');
  });
});

function expectResultsClose(a: ScoreResult, b: ScoreResult, rel: number): void {
  expect(a.uids).toEqual(b.uids);
  expect(a.responsive).toEqual(b.responsive);
  const keys = ['lossPerQuery', 'loss', 'estParams', 'baseParams', 'synergy', 'synergyTotal', 'divergence', 'divergenceExcess', 'shapley'] as const;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    expect(x.length, key).toBe(y.length);
    for (let i = 0; i < x.length; i++) {
      const u = x[i] as number;
      const v = y[i] as number;
      if (Number.isNaN(v)) {
        expect(u, `${key}[${i}]`).toBeNaN();
        continue;
      }
      const scale = key === 'synergy' || key === 'synergyTotal' ? Math.max(Math.abs(v), 1e-6 * Math.max(...a.baseParams, 1)) : Math.abs(v);
      if (!(Math.abs(u - v) <= rel * Math.max(scale, 1e-12))) expect.fail(`${key}[${i}]: ${u} vs ${v}`);
    }
  }
}

function expectResultsIdentical(a: ScoreResult, b: ScoreResult): void {
  expect(a).toEqual(b);
}

// Hostile-but-typed responses: any float32 (NaN, ±Infinity, negatives, zeros) and any int32 id.
const anyFloat = fc.oneof(
  fc.float({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -1, 0, -0, 1e-40, 3e38),
);

function arbResponse(vocab: number, queries: number, hostile: boolean): fc.Arbitrary<MinerResponse> {
  const prob = hostile ? anyFloat : fc.float({ min: Math.fround(1e-6), max: 1, noNaN: true });
  const denseArb = fc.array(prob, { minLength: queries * vocab, maxLength: queries * vocab })
    .map((xs): MinerResponse => ({ kind: 'dense', probs: Float32Array.from(xs) }));
  const id = hostile ? fc.integer({ min: -2, max: vocab + 1 }) : fc.integer({ min: 0, max: vocab - 1 });
  const rowArb = hostile
    ? fc.array(fc.tuple(id, prob), { maxLength: vocab + 1 })
    : fc.uniqueArray(fc.tuple(id, prob), { maxLength: vocab, selector: ([i]) => i });
  const topkArb = fc.tuple(fc.array(rowArb, { minLength: queries, maxLength: queries }), fc.array(prob, { minLength: queries, maxLength: queries }))
    .map(([rows, floor]) => topk(rows, floor));
  return fc.oneof(denseArb, topkArb, fc.constant(NONE));
}

const arbBatch = (hostile: boolean): fc.Arbitrary<ScoreBatch> =>
  fc.record({ vocab: fc.integer({ min: 2, max: 6 }), queries: fc.integer({ min: 1, max: 4 }), miners: fc.integer({ min: 0, max: 6 }) })
    .chain(({ vocab, queries, miners }) =>
      fc.record({
        targets: fc.array(fc.integer({ min: 0, max: vocab - 1 }), { minLength: queries, maxLength: queries }),
        responses: fc.array(arbResponse(vocab, queries, hostile), { minLength: miners, maxLength: miners }),
      }).map(({ targets, responses }) => batch(vocab, targets, responses)));

describe('scoreReference: properties', () => {
  it('hostile values never throw, and every output is in its range', () => {
    fc.assert(
      fc.property(arbBatch(true), (b) => {
        const r = scoreReference(b, P);
        const K = b.uids.length;
        for (let k = 0; k < K; k++) {
          if (!r.responsive[k]) {
            expect(r.shapley[k]).toBe(0);
            continue;
          }
          const loss = r.loss[k] as number;
          expect(loss).toBeGreaterThanOrEqual(0);
          expect(loss).toBeLessThanOrEqual(20);
          expect(r.divergence[k]).toBeGreaterThanOrEqual(0);
          expect(r.divergence[k]).toBeLessThanOrEqual(1 + 1e-12);
          expect(r.divergenceExcess[k]).toBeGreaterThanOrEqual(0);
          expect(r.divergenceExcess[k]).toBeLessThanOrEqual(10);
          expect(Number.isFinite(r.shapley[k])).toBe(true);
          expect(r.shapley[k]).toBeGreaterThan(0);
          let row = 0;
          for (let j = 0; j < K; j++) {
            expect(r.synergy[k * K + j]).toBe(r.synergy[j * K + k]);
            row += r.synergy[k * K + j] as number;
          }
          expect(r.synergy[k * K + k]).toBe(0);
          expectClose(r.synergyTotal[k], row, 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('an unresponsive miner changes nothing for the others (bit for bit)', () => {
    fc.assert(
      fc.property(arbBatch(true), fc.nat(), (b, at) => {
        const K = b.uids.length;
        const i = K === 0 ? 0 : at % (K + 1);
        const responses = [...b.responses.slice(0, i), NONE, ...b.responses.slice(i)];
        const uids = [...b.uids.map((u) => u + 1).slice(0, i), 0, ...b.uids.map((u) => u + 1).slice(i)];
        const withNone = scoreReference({ ...b, uids, responses }, P);
        const without = scoreReference(b, P);
        const drop = (x: Float64Array): number[] => [...x].filter((_, k) => k !== i);
        for (const key of ['loss', 'estParams', 'baseParams', 'synergyTotal', 'divergence', 'divergenceExcess', 'shapley'] as const) {
          expect(drop(withNone[key])).toEqual([...without[key]]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('doubling a dense row’s float32 entries changes nothing (bit for bit)', () => {
    fc.assert(
      fc.property(arbBatch(false), (b) => {
        const doubled = b.responses.map((r): MinerResponse => (r.kind === 'dense' ? { kind: 'dense', probs: r.probs.map((x) => 2 * x) } : r));
        expectResultsIdentical(scoreReference({ ...b, responses: doubled }, P), scoreReference(b, P));
      }),
      { numRuns: 200 },
    );
  });

  it('reordering the miners reorders the results', () => {
    fc.assert(
      fc.property(arbBatch(false), fc.nat(), (b, seed) => {
        const K = b.uids.length;
        const order = Array.from({ length: K }, (_, k) => k).sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101) || x - y);
        const a = scoreReference(b, P);
        const c = scoreReference({ ...b, uids: order.map((k) => b.uids[k] as number), responses: order.map((k) => b.responses[k] as MinerResponse) }, P);
        const permuted: ScoreResult = {
          ...a,
          uids: order.map((k) => a.uids[k] as number),
          responsive: order.map((k) => a.responsive[k] as boolean),
          lossPerQuery: Float64Array.from(order.flatMap((k) => [...a.lossPerQuery.subarray(k * b.targets.length, (k + 1) * b.targets.length)])),
          synergy: Float64Array.from(order.flatMap((i) => order.map((j) => a.synergy[i * K + j] as number))),
        };
        for (const key of ['loss', 'estParams', 'baseParams', 'synergyTotal', 'divergence', 'divergenceExcess', 'shapley'] as const) {
          permuted[key] = Float64Array.from(order.map((k) => a[key][k] as number));
        }
        expectResultsClose(c, permuted, 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('a top-k row listing every outcome (floor 0) scores as the dense row', () => {
    fc.assert(
      fc.property(arbBatch(false), fc.nat(), (b, seed) => {
        const V = b.vocab;
        const asTopk = b.responses.map((r): MinerResponse => {
          if (r.kind !== 'dense') return r;
          const rows = Array.from({ length: b.targets.length }, (_, q) =>
            Array.from({ length: V }, (_, v) => (v + seed) % V).map((v): [number, number] => [v, r.probs[q * V + v] as number]));
          return topk(rows, new Array<number>(b.targets.length).fill(0));
        });
        expectResultsClose(scoreReference({ ...b, responses: asTopk }, P), scoreReference(b, P), 1e-9);
      }),
      { numRuns: 200 },
    );
  });
});
