import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { ScoreBook, type ScoreBookEntry } from '../../src/scoring/score-book.js';

const answered = (uid: number, shapley: number, hotkey = `hk${uid}`): ScoreBookEntry => ({ uid, hotkey, queried: true, responsive: true, shapley });
const silent = (uid: number, hotkey = `hk${uid}`): ScoreBookEntry => ({ uid, hotkey, queried: true, responsive: false });
const idle = (uid: number, hotkey = `hk${uid}`): ScoreBookEntry => ({ uid, hotkey, queried: false, responsive: false });

function pathOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).path;
  }
  return 'no error';
}

describe('ScoreBook: the 2022 EMA rules', () => {
  it('α is 0.1 by default and comes from ScoringParams.emaAlpha', () => {
    expect(new ScoreBook().alpha).toBe(0.1);
    expect(new ScoreBook({ emaAlpha: 0.25 }).alpha).toBe(0.25);
    expect(pathOf(() => new ScoreBook({ emaAlpha: 0 }))).toBe('params.emaAlpha');
    expect(pathOf(() => new ScoreBook({ emaAlpha: Number.NaN }))).toBe('params.emaAlpha');
  });

  it('responsive: s ← 0.9·s + 0.1·shapley, a new hotkey starting from 0', () => {
    const book = new ScoreBook();
    book.update([answered(3, 100)]);
    expect(book.get(3)).toBeCloseTo(10, 12);
    book.update([answered(3, 50)]);
    expect(book.get(3)).toBeCloseTo(0.9 * 10 + 5, 12);
    book.update([answered(3, 0)]);
    expect(book.get(3)).toBeCloseTo(0.9 * 14, 12);
  });

  it('queried but unresponsive: s ← 0.9·s', () => {
    const book = new ScoreBook();
    book.update([answered(0, 200)]);
    book.update([silent(0)]);
    expect(book.get(0)).toBeCloseTo(18, 12);
    book.update([silent(0)]);
    expect(book.get(0)).toBeCloseTo(16.2, 12);
  });

  it('not queried: unchanged', () => {
    const book = new ScoreBook();
    book.update([answered(0, 200)]);
    book.update([idle(0)]);
    book.update([]);
    expect(book.get(0)).toBeCloseTo(20, 12);
  });

  it('a uid whose hotkey changed starts again from 0 (queried or not)', () => {
    const book = new ScoreBook();
    book.update([answered(1, 200), answered(2, 300)]);
    book.update([answered(1, 100, 'new1'), idle(2, 'new2')]);
    expect(book.get(1)).toBeCloseTo(10, 12);
    expect(book.hotkey(1)).toBe('new1');
    expect(book.get(2)).toBe(0);
    expect(book.hotkey(2)).toBe('new2');
    // A hotkey that moved to another uid does not carry its score along (the 2022 stats were per uid).
    book.update([answered(5, 100, 'new1')]);
    expect(book.get(5)).toBeCloseTo(10, 12);
  });

  it('uses α for each rule', () => {
    const book = new ScoreBook({ emaAlpha: 0.5 });
    book.update([answered(0, 8), answered(1, 8)]);
    book.update([answered(0, 2), silent(1)]);
    expect(book.get(0)).toBe(3);
    expect(book.get(1)).toBe(2);
  });

  it('scores(n) over uids 0..n−1, 0 for uids never seen; uids ≥ n left out', () => {
    const book = new ScoreBook();
    book.update([answered(1, 10), answered(4, 20)]);
    expect([...book.scores(3)]).toEqual([0, 1, 0]);
    const all = book.scores(6);
    expect(all).toBeInstanceOf(Float64Array);
    expect(all[4]).toBeCloseTo(2, 12);
    expect(book.scores(0).length).toBe(0);
    expect(book.get(99)).toBe(0);
    expect(book.hotkey(99)).toBeUndefined();
    expect(pathOf(() => book.scores(-1))).toBe('n');
  });
});

describe('ScoreBook.update: refused entries', () => {
  it('NaN and infinite Shapley values are refused with the place named', () => {
    const book = new ScoreBook();
    expect(pathOf(() => book.update([answered(0, Number.NaN)]))).toBe('entries[0].shapley');
    expect(pathOf(() => book.update([answered(0, 1), answered(1, Number.POSITIVE_INFINITY)]))).toBe('entries[1].shapley');
    expect(pathOf(() => book.update([{ uid: 0, hotkey: 'a', queried: true, responsive: true }]))).toBe('entries[0].shapley');
    expect(() => book.update([answered(0, Number.NaN)])).toThrow('a responsive miner needs a finite Shapley value, got NaN');
  });

  it('a refused update changes nothing', () => {
    const book = new ScoreBook();
    book.update([answered(0, 100)]);
    expect(() => book.update([answered(0, 100), answered(1, Number.NaN)])).toThrow(InvalidInputError);
    expect(book.get(0)).toBeCloseTo(10, 12);
    expect(book.size).toBe(1);
  });

  it('other bad entries', () => {
    const book = new ScoreBook();
    expect(pathOf(() => book.update([answered(0, 1), answered(0, 2)]))).toBe('entries[1].uid');
    expect(pathOf(() => book.update([answered(-1, 1)]))).toBe('entries[0].uid');
    expect(pathOf(() => book.update([answered(1.5, 1)]))).toBe('entries[0].uid');
    expect(pathOf(() => book.update([answered(0, 1, '')]))).toBe('entries[0].hotkey');
    expect(pathOf(() => book.update([{ uid: 0, hotkey: 'a', queried: false, responsive: true, shapley: 1 }]))).toBe('entries[0].responsive');
    expect(pathOf(() => book.update([{ uid: 0, hotkey: 'a', queried: 'yes', responsive: false } as unknown as ScoreBookEntry]))).toBe('entries[0].queried');
    expect(pathOf(() => book.update([null as unknown as ScoreBookEntry]))).toBe('entries[0]');
    expect(pathOf(() => book.update('x' as unknown as ScoreBookEntry[]))).toBe('entries');
  });

  it('the Shapley value of an unresponsive entry is not read', () => {
    const book = new ScoreBook();
    book.update([answered(0, 100)]);
    book.update([{ ...silent(0), shapley: Number.NaN }]);
    expect(book.get(0)).toBeCloseTo(9, 12);
  });
});

describe('ScoreBook: JSON', () => {
  it('round trip', () => {
    const book = new ScoreBook({ emaAlpha: 0.2 });
    book.update([answered(7, 1 / 3), answered(2, 5), idle(4)]);
    book.update([silent(7)]);
    const json = book.toJSON();
    expect(json).toEqual({
      version: 1,
      alpha: 0.2,
      entries: [
        { uid: 2, hotkey: 'hk2', score: 0.2 * 5 },
        { uid: 4, hotkey: 'hk4', score: 0 },
        { uid: 7, hotkey: 'hk7', score: 0.8 * (0.2 * (1 / 3)) },
      ],
    });
    const back = ScoreBook.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.toJSON()).toEqual(json);
    expect(back.alpha).toBe(0.2);
    // It carries on as the original would.
    back.update([answered(7, 1, 'hk7')]);
    book.update([answered(7, 1, 'hk7')]);
    expect(back.get(7)).toBe(book.get(7));
  });

  it('fromJSON names the place of a bad document', () => {
    const ok = { version: 1, alpha: 0.1, entries: [{ uid: 0, hotkey: 'a', score: 1 }] };
    expect(pathOf(() => ScoreBook.fromJSON(ok))).toBe('no error');
    expect(pathOf(() => ScoreBook.fromJSON(null))).toBe('');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, version: 2 }))).toBe('version');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, extra: 1 }))).toBe('extra');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, alpha: 0 }))).toBe('alpha');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, entries: {} }))).toBe('entries');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, entries: [{ uid: 0, hotkey: 'a', score: null }] }))).toBe('entries[0].score');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, entries: [{ uid: 0, hotkey: 'a', score: 1, x: 1 }] }))).toBe('entries[0].x');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, entries: [{ uid: 0, hotkey: 1, score: 1 }] }))).toBe('entries[0].hotkey');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, entries: [{ uid: 70000, hotkey: 'a', score: 1 }] }))).toBe('entries[0].uid');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, entries: [...ok.entries, { uid: 0, hotkey: 'b', score: 2 }] }))).toBe('entries[1].uid');
    expect(pathOf(() => ScoreBook.fromJSON({ ...ok, version: 2 }, 'state.scoreBook'))).toBe('state.scoreBook.version');
  });
});
