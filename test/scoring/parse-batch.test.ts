import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { SCORING_DEFAULTS } from '../../src/scoring/params.js';
import { parseScoreBatch, parseScoreRequest } from '../../src/scoring/parse-batch.js';
import { scoreReference } from '../../src/scoring/reference/index.js';
import type { MinerResponse } from '../../src/scoring/types.js';

function pathOf(json: unknown): string {
  try {
    parseScoreRequest(json);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).path;
  }
  return 'no error';
}

const base = (responses: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  targets: [1, 0],
  vocab: 3,
  responses,
  ...extra,
});

function only(json: unknown): MinerResponse {
  const r = parseScoreBatch(json).responses[0];
  if (r === undefined) throw new Error('no response');
  return r;
}

describe('parseScoreRequest: the contract example', () => {
  it('reads dense, topk and error responses, and params', () => {
    const { batch, params } = parseScoreRequest({
      targets: [3, 1],
      vocab: 4,
      responses: [
        { uid: 0, dense: [[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]] },
        { uid: 7, topk: [[[3, 0.7], [1, 0.1]], [[0, 0.5]]], floor: [0.001, 0.1] },
        { uid: 2, error: 'timeout' },
      ],
      params: { scalingLawPower: 0.5, synergyScalingLawPower: 0.6 },
    });
    expect(batch.vocab).toBe(4);
    expect([...batch.targets]).toEqual([3, 1]);
    expect(batch.targets).toBeInstanceOf(Int32Array);
    expect(batch.uids).toEqual([0, 7, 2]);
    const [d, t, e] = batch.responses;
    expect(d?.kind).toBe('dense');
    if (d?.kind !== 'dense') throw new Error('unreachable');
    expect(d.probs).toBeInstanceOf(Float32Array);
    expect([...d.probs]).toEqual([0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.25, 0.25].map(Math.fround));
    if (t?.kind !== 'topk') throw new Error('expected topk');
    expect([...t.ptr]).toEqual([0, 2, 3]);
    expect([...t.ids]).toEqual([3, 1, 0]);
    expect([...t.probs]).toEqual([0.7, 0.1, 0.5].map(Math.fround));
    expect([...t.floor]).toEqual([0.001, 0.1].map(Math.fround));
    expect(e).toEqual({ kind: 'none' });
    expect(params).toEqual({ ...SCORING_DEFAULTS, synergyScalingLawPower: 0.6 });
  });

  it('params are optional', () => {
    expect(parseScoreRequest(base([])).params).toEqual(SCORING_DEFAULTS);
  });

  it('the parsed batch scores', () => {
    const { batch, params } = parseScoreRequest(base([{ uid: 3, dense: [[0.2, 0.8, 0], [null, 0.5, 0.5]] }, { uid: 1, error: null }]));
    const r = scoreReference(batch, params);
    expect(r.lossPerQuery[0]).toBeCloseTo(-Math.log(Math.fround(0.8) / (Math.fround(0.2) + Math.fround(0.8))), 12);
    expect(r.lossPerQuery[1]).toBe(20);
    expect(r.responsive).toEqual([true, false]);
  });
});

describe('parseScoreRequest: null responses and errors', () => {
  it('skips a null response (it names no uid)', () => {
    const { batch } = parseScoreRequest(base([null, { uid: 5, error: 'x' }, null]));
    expect(batch.uids).toEqual([5]);
    expect(batch.responses).toEqual([{ kind: 'none' }]);
    expect(parseScoreBatch(base([null, null])).uids).toEqual([]);
  });

  it('an error response is unresponsive whatever else it carries', () => {
    expect(only(base([{ uid: 0, error: 'timeout', dense: 'not even rows' }]))).toEqual({ kind: 'none' });
    expect(only(base([{ uid: 0, error: { status: 408 } }]))).toEqual({ kind: 'none' });
  });
});

describe('parseScoreRequest: hostile content becomes garbage, never an error', () => {
  it('dense entries that are not finite non-negative numbers become NaN', () => {
    const r = only(base([{ uid: 0, dense: [[null, '0.5', true], [-1, -1e-50, { a: 1 }]] }]));
    if (r.kind !== 'dense') throw new Error('expected dense');
    expect([...r.probs].every(Number.isNaN)).toBe(true);
  });

  it('numbers are carried as float32: 1e39 overflows to Infinity, -0 and 0 stay', () => {
    const r = only(base([{ uid: 0, dense: [[1e39, -0, 0], [1e-50, 0.1, 3e38]] }]));
    if (r.kind !== 'dense') throw new Error('expected dense');
    expect(r.probs[0]).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(r.probs[1], -0)).toBe(true);
    expect(r.probs[3]).toBe(0);
    expect(r.probs[4]).toBe(Math.fround(0.1));
    expect(r.probs[5]).toBe(Math.fround(3e38));
  });

  it('bad top-k ids become −1, bad probabilities and floors NaN, malformed pairs (−1, NaN)', () => {
    const r = only(base([{
      uid: 0,
      topk: [[[0.5, 0.1], [3, 0.1], [-1, 0.1], ['1', 0.1], [null, 0.1]], [[2, null], [1, -0.2], [0, 'x'], [1], [0, 0.1, 0.2], 'pair', null]],
      floor: [null, 'x'],
    }]));
    if (r.kind !== 'topk') throw new Error('expected topk');
    expect([...r.ptr]).toEqual([0, 5, 12]);
    expect([...r.ids]).toEqual([-1, -1, -1, -1, -1, 2, 1, 0, -1, -1, -1, -1]);
    expect([...r.probs.subarray(0, 5)]).toEqual(new Array(5).fill(Math.fround(0.1)));
    expect([...r.probs.subarray(5)].every(Number.isNaN)).toBe(true);
    expect([...r.floor].every(Number.isNaN)).toBe(true);
  });

  it('a garbage row scores worstLoss, the other rows score normally', () => {
    const { batch, params } = parseScoreRequest(base([
      { uid: 0, topk: [[[1, 0.5], [1, 0.2]], [[0, 0.6]]], floor: [0.1, 0.2] },
      { uid: 1, topk: [[[1, 0.5], [0, 0.2]], [[0, 0.6], ['x', 1]]], floor: [0.1, 0.2] },
    ]));
    const r = scoreReference(batch, params);
    expect(r.lossPerQuery[0]).toBe(20); // id 1 listed twice
    expect(r.lossPerQuery[1]).toBeCloseTo(-Math.log(Math.fround(0.6) / (Math.fround(0.6) + 2 * Math.fround(0.2))), 12);
    expect(r.lossPerQuery[2]).toBeCloseTo(-Math.log(Math.fround(0.5) / (Math.fround(0.5) + Math.fround(0.2) + Math.fround(0.1))), 12);
    expect(r.lossPerQuery[3]).toBe(20); // a non-numeric id
  });

  it('an empty top-k row is only its floor', () => {
    const r = only(base([{ uid: 0, topk: [[], []], floor: [0.1, 0] }]));
    if (r.kind !== 'topk') throw new Error('expected topk');
    expect([...r.ptr]).toEqual([0, 0, 0]);
  });
});

describe('parseScoreRequest: a malformed batch is refused, naming the place', () => {
  it('top level', () => {
    expect(pathOf(null)).toBe('');
    expect(pathOf([])).toBe('');
    expect(pathOf({ vocab: 3, responses: [] })).toBe('targets');
    expect(pathOf({ targets: [0], responses: [] })).toBe('vocab');
    expect(pathOf({ targets: [0], vocab: 3 })).toBe('responses');
    expect(pathOf(base([], { extra: 1 }))).toBe('extra');
    expect(pathOf(base({} as unknown as unknown[]))).toBe('responses');
  });

  it('vocab and targets', () => {
    expect(pathOf(base([], { vocab: 1 }))).toBe('vocab');
    expect(pathOf(base([], { vocab: 2.5 }))).toBe('vocab');
    expect(pathOf(base([], { vocab: '3' }))).toBe('vocab');
    expect(pathOf(base([], { vocab: (1 << 20) + 1 }))).toBe('vocab');
    expect(pathOf(base([], { targets: [] }))).toBe('targets');
    expect(pathOf(base([], { targets: 1 }))).toBe('targets');
    expect(pathOf(base([], { targets: [0, 3] }))).toBe('targets[1]');
    expect(pathOf(base([], { targets: [0, -1] }))).toBe('targets[1]');
    expect(pathOf(base([], { targets: [0.5] }))).toBe('targets[0]');
    expect(pathOf(base([], { targets: [null] }))).toBe('targets[0]');
  });

  it('uids', () => {
    expect(pathOf(base([{ dense: [[1, 0, 0], [1, 0, 0]] }]))).toBe('responses[0].uid');
    expect(pathOf(base([{ uid: -1, error: 'x' }]))).toBe('responses[0].uid');
    expect(pathOf(base([{ uid: 1.5, error: 'x' }]))).toBe('responses[0].uid');
    expect(pathOf(base([{ uid: '1', error: 'x' }]))).toBe('responses[0].uid');
    expect(pathOf(base([{ uid: 65536, error: 'x' }]))).toBe('responses[0].uid');
    expect(pathOf(base([{ uid: 4, error: 'x' }, null, { uid: 4, error: 'y' }]))).toBe('responses[2].uid');
    expect(() => parseScoreRequest(base([{ uid: 4, error: 'x' }, { uid: 4, error: 'y' }]))).toThrow('given twice (first at responses[0])');
  });

  it('response shape: what names no miner or is not a response field is refused', () => {
    expect(pathOf(base(['timeout']))).toBe('responses[0]');
    expect(pathOf(base([{ dense: [[1, 0, 0], [1, 0, 0]] }]))).toBe('responses[0].uid');
    expect(pathOf(base([{ uid: 0, dnese: [[1, 0, 0], [1, 0, 0]] }]))).toBe('responses[0].dnese');
    expect(pathOf(base([{ uid: 0, dense: [[1, 0, 0], [1, 0, 0]], probs: 1 }]))).toBe('responses[0].probs');
  });

  // contracts/weights-and-scores.md: only a malformed batch is refused. What a miner put in its answer is content,
  // scored row by row: the engine sees NaN (or an id of −1) and gives the row the worst loss.
  const garbageRows = (r: MinerResponse): boolean[] => {
    const result = scoreReference({ vocab: 3, targets: Int32Array.of(1, 0), uids: [0], responses: [r] }, SCORING_DEFAULTS);
    return Array.from(result.lossPerQuery, (l) => l === SCORING_DEFAULTS.worstLoss);
  };

  it('an answer of the wrong shape is content: its bad rows are garbage, the good ones score', () => {
    expect(garbageRows(only(base([{ uid: 0, dense: 'x' }])))).toEqual([true, true]);
    expect(garbageRows(only(base([{ uid: 0, dense: [[0, 1, 0]] }])))).toEqual([false, true]);
    expect(garbageRows(only(base([{ uid: 0, dense: [[0, 1, 0], null] }])))).toEqual([false, true]);
    expect(garbageRows(only(base([{ uid: 0, dense: [[0, 1, 0], [1, 0]] }])))).toEqual([false, true]);
    expect(garbageRows(only(base([{ uid: 0, dense: [[0, 1, 0], [1, 0, 0, 0]] }])))).toEqual([false, true]);
    // Rows past the B-th are not read.
    expect(garbageRows(only(base([{ uid: 0, dense: [[0, 1, 0], [1, 0, 0], 'extra'] }])))).toEqual([false, false]);
    // A floor beside dense is not read. (Both kinds at once is a malformed batch: see the next test.)
    expect(garbageRows(only(base([{ uid: 0, dense: [[0, 1, 0], [1, 0, 0]], floor: 'x' }])))).toEqual([false, false]);
  });

  it('a response with both dense and topk is refused, naming it (which answer is meant is structure, not content)', () => {
    expect(pathOf(base([{ uid: 0, topk: [[[1, 0.9]], [[0, 0.9]]], floor: [0, 0] }, { uid: 1, dense: [[0, 1, 0], [1, 0, 0]], topk: [[], []], floor: [0, 0] }]))).toBe('responses[1]');
    expect(() => parseScoreBatch(base([{ uid: 0, dense: [[0, 1, 0], [1, 0, 0]], topk: [[], []] }]))).toThrow(/both dense and topk/);
    // With an error it is unresponsive, as before: its other keys are not read.
    expect(only(base([{ uid: 0, error: 'timeout', dense: [], topk: [] }]))).toEqual({ kind: 'none' });
  });

  it('top-k rows and floors of the wrong shape are garbage rows', () => {
    expect(garbageRows(only(base([{ uid: 0, topk: [[[1, 0.9]]], floor: [0.05, 0.05] }])))).toEqual([false, true]);
    expect(garbageRows(only(base([{ uid: 0, topk: [[[1, 0.9]], 'x'], floor: [0.05, 0.05] }])))).toEqual([false, true]);
    expect(garbageRows(only(base([{ uid: 0, topk: [[[1, 0.9]], [[0, 0.9]]], floor: [0.05] }])))).toEqual([false, true]);
    expect(garbageRows(only(base([{ uid: 0, topk: [[[1, 0.9]], [[0, 0.9]]], floor: 0.1 }])))).toEqual([true, true]);
    expect(garbageRows(only(base([{ uid: 0, topk: [[[1, 0.9]], [[0, 0.9]]] }])))).toEqual([true, true]);
  });

  it('a response with no answer field is unresponsive, as one with an error', () => {
    expect(only(base([{ uid: 0 }]))).toEqual({ kind: 'none' });
    expect(only(base([{ uid: 0, error: null, dense: 'ignored' }]))).toEqual({ kind: 'none' });
  });

  it('params are checked by resolveScoringParams', () => {
    expect(pathOf(base([], { params: { lossFloor: -1 } }))).toBe('params.lossFloor');
    expect(pathOf(base([], { params: { nope: 1 } }))).toBe('params.nope');
    expect(pathOf(base([], { params: null }))).toBe('params');
  });

  it('messages say what was expected', () => {
    expect(() => parseScoreRequest(base([{ uid: 0, dnese: [] }]))).toThrow(/responses\[0\]\.dnese: is not a response field/);
    expect(() => parseScoreRequest(base([], { targets: [0, 3] }))).toThrow('targets[1]: expected an integer in 0..2, got 3');
  });
});
