import { describeValue, InvalidInputError } from '../errors/index.js';
import { MAX_UID } from './parse-batch.js';
import { SCORING_DEFAULTS } from './params.js';
import type { ScoringParams } from './types.js';

/*
 * The score book: the exponential moving average of each miner's Shapley value, the 2022 core validator's "zeroing"
 * EMA of shapley_values_nxt (validator-sdk-spec.md §6.5). A score belongs to a (uid, hotkey) pair: when the hotkey at a
 * uid changes (the uid was re-registered), the old score is dropped and the new hotkey starts from 0.
 */

/** What one scoring step says about one uid. */
export interface ScoreBookEntry {
  uid: number;
  /** The hotkey registered at the uid now (from the metagraph). */
  hotkey: string;
  /** Whether the miner was sent a query this step. */
  queried: boolean;
  /** Whether it answered (only a queried miner can); a garbage answer is still an answer. */
  responsive: boolean;
  /** Its Shapley value this step: required, finite, when responsive; not read otherwise. */
  shapley?: number;
}

/** The serialised form of a ScoreBook (version 1). */
export interface ScoreBookJson {
  version: 1;
  alpha: number;
  /** Sorted by uid. */
  entries: Array<{ uid: number; hotkey: string; score: number }>;
}

interface Slot {
  hotkey: string;
  score: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}


function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function checkUid(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_UID) {
    throw new InvalidInputError(path, `expected a uid, an integer in 0..${MAX_UID}, got ${describeValue(v)}`);
  }
  return v;
}

function checkHotkey(v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') throw new InvalidInputError(path, `expected a non-empty hotkey string, got ${describeValue(v)}`);
  return v;
}

function checkAlpha(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1) {
    throw new InvalidInputError(path, `expected the EMA factor α, a number in (0, 1], got ${describeValue(v)}`);
  }
  return v;
}

/**
 * Shapley-value EMAs keyed by (uid, hotkey), with the 2022 rules:
 * - queried and responsive: s ← (1 − α)·s + α·shapley;
 * - queried but unresponsive: s ← (1 − α)·s;
 * - not queried: s unchanged;
 * - a hotkey seen at a uid for the first time (a new uid, or a uid whose hotkey changed) starts from s = 0 before the
 *   rule above applies.
 * Uids never seen score 0.
 */
export class ScoreBook {
  /** The EMA factor α (ScoringParams.emaAlpha). */
  readonly alpha: number;
  private readonly slots = new Map<number, Slot>();

  /** @param params where α comes from (only `emaAlpha` is read); the 2022 default 0.1 if omitted */
  constructor(params: Pick<ScoringParams, 'emaAlpha'> = SCORING_DEFAULTS) {
    this.alpha = checkAlpha(params.emaAlpha, 'params.emaAlpha');
  }

  /**
   * Applies one scoring step. Every entry is checked before any is applied, so a refused step leaves the book as it
   * was. Pass every uid of the metagraph (queried or not) to have hotkey changes of idle uids take effect.
   * @throws InvalidInputError naming `entries[i].<field>`: a bad uid or hotkey, a uid given twice, a responsive entry that
   *   was not queried, or a responsive entry without a finite Shapley value (NaN and ±Infinity are refused)
   */
  update(entries: readonly ScoreBookEntry[]): void {
    if (!Array.isArray(entries)) throw new InvalidInputError('entries', `expected an array of score book entries, got ${describeValue(entries)}`);
    const seen = new Set<number>();
    entries.forEach((e: unknown, i) => {
      const path = `entries[${i}]`;
      if (!isObj(e)) throw new InvalidInputError(path, `expected { uid, hotkey, queried, responsive, shapley? }, got ${describeValue(e)}`);
      const uid = checkUid(e.uid, `${path}.uid`);
      if (seen.has(uid)) throw new InvalidInputError(`${path}.uid`, `uid ${uid} is given twice in one update`);
      seen.add(uid);
      checkHotkey(e.hotkey, `${path}.hotkey`);
      if (typeof e.queried !== 'boolean') throw new InvalidInputError(`${path}.queried`, `expected true or false, got ${describeValue(e.queried)}`);
      if (typeof e.responsive !== 'boolean') throw new InvalidInputError(`${path}.responsive`, `expected true or false, got ${describeValue(e.responsive)}`);
      if (e.responsive && !e.queried) throw new InvalidInputError(`${path}.responsive`, 'a miner that was not queried cannot be responsive');
      if (e.responsive && (typeof e.shapley !== 'number' || !Number.isFinite(e.shapley))) {
        throw new InvalidInputError(`${path}.shapley`, `a responsive miner needs a finite Shapley value, got ${describeValue(e.shapley)}`);
      }
    });
    const a = this.alpha;
    for (const e of entries) {
      let slot = this.slots.get(e.uid);
      if (slot === undefined || slot.hotkey !== e.hotkey) {
        slot = { hotkey: e.hotkey, score: 0 };
        this.slots.set(e.uid, slot);
      }
      if (!e.queried) continue;
      slot.score = e.responsive ? (1 - a) * slot.score + a * (e.shapley as number) : (1 - a) * slot.score;
    }
  }

  /** The score of a uid; 0 for a uid never seen. */
  get(uid: number): number {
    return this.slots.get(uid)?.score ?? 0;
  }

  /** The hotkey the score of a uid belongs to, or undefined for a uid never seen. */
  hotkey(uid: number): string | undefined {
    return this.slots.get(uid)?.hotkey;
  }

  /** Number of uids in the book. */
  get size(): number {
    return this.slots.size;
  }

  /** The scores of uids 0..n−1 (0 for a uid never seen); uids ≥ n are left out. */
  scores(n: number): Float64Array {
    if (!Number.isInteger(n) || n < 0 || n > MAX_UID + 1) {
      throw new InvalidInputError('n', `expected a number of uids in 0..${MAX_UID + 1}, got ${describeValue(n)}`);
    }
    const out = new Float64Array(n);
    for (const [uid, slot] of this.slots) if (uid < n) out[uid] = slot.score;
    return out;
  }

  /** The serialised book: version 1, α, and the entries sorted by uid. */
  toJSON(): ScoreBookJson {
    const entries = [...this.slots.entries()]
      .sort(([a], [b]) => a - b)
      .map(([uid, slot]) => ({ uid, hotkey: slot.hotkey, score: slot.score }));
    return { version: 1, alpha: this.alpha, entries };
  }

  /**
   * Reads a book written by toJSON (or the same JSON parsed from text).
   * @param path the name of the document in messages (`state.scoreBook` → `state.scoreBook.entries[2].score`)
   * @throws InvalidInputError naming the place: an unknown version or key, a bad α, uid, hotkey or score (scores must be
   *   finite), a uid given twice
   */
  static fromJSON(json: unknown, path = ''): ScoreBook {
    if (!isObj(json)) throw new InvalidInputError(path, `expected a score book object ({ version, alpha, entries }), got ${describeValue(json)}`);
    for (const key of Object.keys(json)) {
      if (key !== 'version' && key !== 'alpha' && key !== 'entries') {
        throw new InvalidInputError(join(path, key), 'is not a score book field (expected version, alpha, entries)');
      }
    }
    if (json.version !== 1) {
      throw new InvalidInputError(join(path, 'version'), `expected 1 (the only score book format), got ${describeValue(json.version)}`);
    }
    const book = new ScoreBook({ emaAlpha: checkAlpha(json.alpha, join(path, 'alpha')) });
    const entries = json.entries;
    const entriesPath = join(path, 'entries');
    if (!Array.isArray(entries)) throw new InvalidInputError(entriesPath, `expected an array of { uid, hotkey, score }, got ${describeValue(entries)}`);
    entries.forEach((e: unknown, i) => {
      const at = `${entriesPath}[${i}]`;
      if (!isObj(e)) throw new InvalidInputError(at, `expected { uid, hotkey, score }, got ${describeValue(e)}`);
      for (const key of Object.keys(e)) {
        if (key !== 'uid' && key !== 'hotkey' && key !== 'score') {
          throw new InvalidInputError(`${at}.${key}`, 'is not a score book entry field (expected uid, hotkey, score)');
        }
      }
      const uid = checkUid(e.uid, `${at}.uid`);
      if (book.slots.has(uid)) throw new InvalidInputError(`${at}.uid`, `uid ${uid} is given twice`);
      const hotkey = checkHotkey(e.hotkey, `${at}.hotkey`);
      if (typeof e.score !== 'number' || !Number.isFinite(e.score)) {
        throw new InvalidInputError(`${at}.score`, `expected a finite number, got ${describeValue(e.score)}`);
      }
      book.slots.set(uid, { hotkey, score: e.score });
    });
    return book;
  }
}
