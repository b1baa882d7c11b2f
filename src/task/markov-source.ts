import { intAtLeast, intIn, numberIn, resolveOptions, safeInteger } from '../options/index.js';
import type { Check } from '../options/index.js';
import { Prng } from '../random/index.js';
import { mixNamedSeed } from './seed.js';

/*
 * The hidden source of the built-in task: a Markov chain of order 1 or 2 over the tokens 0..vocab−1.
 *
 * The row of a state (the last `order` tokens) is sparse-ish: `support` distinct tokens share 1 − leak of the mass with
 * Dirichlet(1) weights, and every token gets leak / vocab on top, so any token can follow any state (the chain is
 * ergodic) while a model that knows the row does much better than one that does not. Rows are derived on demand from
 * (seed, state), one Prng each, so a source of any size costs nothing up front and the same seed is the same source
 * in every process (the validator and the oracle miners build it independently).
 */

/** The parameters of a source. */
export interface MarkovSourceOptions {
  /** Number of tokens V (2..2^20, the scorer's largest vocabulary). */
  vocab?: number;
  /** How many previous tokens a row depends on: 1 or 2. */
  order?: number;
  /** Tokens of a row that share its main mass (1..vocab); by default 8, or vocab when it is smaller. */
  support?: number;
  /** Mass spread uniformly over all tokens, in [0, 1). */
  leak?: number;
  /** Which source: the same seed gives the same rows. */
  seed?: number;
}

/** The defaults: 64 tokens, order 2, 8 tokens of support per row, 5% leak. */
export const MARKOV_SOURCE_DEFAULTS: Readonly<Required<MarkovSourceOptions>> = Object.freeze({
  vocab: 64,
  order: 2,
  support: 8,
  leak: 0.05,
  seed: 0x5eed,
});

/** The largest vocabulary (the scorer's MAX_VOCAB). */
export const MAX_SOURCE_VOCAB = 1 << 20;

/** One transition row: P(t) = probs[i] for t = tokens[i] (support, ascending), leak / vocab for any other t. */
export interface SourceRow {
  readonly tokens: Int32Array;
  /** Including the leak share: each is (1 − leak)·w_i + leak / vocab. */
  readonly probs: Float64Array;
}

/** Rows kept per source; derived again when evicted. */
const ROW_CACHE = 65_536;

const CHECKS: Readonly<Record<keyof MarkovSourceOptions, Check>> = {
  vocab: intIn(2, MAX_SOURCE_VOCAB),
  order: (v) => (v === 1 || v === 2 ? null : 'expected 1 or 2'),
  support: intAtLeast(1),
  leak: numberIn(0, 1, { openHigh: true }),
  seed: safeInteger,
};

/** Merges the options with MARKOV_SOURCE_DEFAULTS and checks them (src/options); messages name `source.<key>`. */
function resolveSourceOptions(options: unknown): Required<MarkovSourceOptions> {
  const given = options ?? {};
  // A small vocabulary with the default support: all of it (the default is a size, not a requirement).
  const vocab = (given as MarkovSourceOptions).vocab;
  const support = typeof vocab === 'number' && Number.isInteger(vocab) && vocab < MARKOV_SOURCE_DEFAULTS.support ? Math.max(1, vocab) : MARKOV_SOURCE_DEFAULTS.support;
  return resolveOptions<Required<MarkovSourceOptions>>({
    thing: 'a source option',
    things: 'source options',
    defaults: { ...MARKOV_SOURCE_DEFAULTS, support },
    checks: CHECKS,
    across: (o) => (o.support <= o.vocab ? null : ['support', `expected an integer in 1..vocab (${o.vocab}), got ${o.support}`]),
  }, given, 'source');
}

/** A seeded Markov source. Pure: its rows and samples depend only on its options and the Prng handed in. */
export class MarkovSource {
  readonly vocab: number;
  readonly order: 1 | 2;
  readonly support: number;
  readonly leak: number;
  readonly seed: number;
  private readonly rows = new Map<number, SourceRow>();

  /** Builds the source of these options (merged with MARKOV_SOURCE_DEFAULTS, each checked). */
  constructor(options: MarkovSourceOptions = {}) {
    const o = resolveSourceOptions(options);
    this.vocab = o.vocab;
    this.order = o.order as 1 | 2;
    this.support = o.support;
    this.leak = o.leak;
    this.seed = o.seed;
  }

  /** The options that rebuild this source. */
  options(): Required<MarkovSourceOptions> {
    return { vocab: this.vocab, order: this.order, support: this.support, leak: this.leak, seed: this.seed };
  }

  /** Number of states: vocab^order. */
  get states(): number {
    return this.vocab ** this.order;
  }

  /**
   * The state of a context: its last `order` tokens as one integer (for order 2, a·vocab + b). Returns −1 when the
   * context is shorter than the order or holds anything but tokens 0..vocab−1 (callers treat that as a bad query).
   */
  stateOf(context: readonly unknown[]): number {
    const n = context.length;
    if (n < this.order) return -1;
    let state = 0;
    for (let i = n - this.order; i < n; i++) {
      const t = context[i];
      if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= this.vocab) return -1;
      state = state * this.vocab + t;
    }
    return state;
  }

  /** The transition row of a state (0..states−1). */
  row(state: number): SourceRow {
    const cached = this.rows.get(state);
    if (cached !== undefined) return cached;
    const prng = new Prng(mixNamedSeed('row', this.seed, state));
    const tokens = Int32Array.from(prng.sample(this.vocab, this.support));
    // Dirichlet(1) weights: normalised standard exponentials.
    const w = Array.from(tokens, () => -Math.log(1 - prng.next()));
    const sum = w.reduce((a, b) => a + b, 0);
    const probs = Float64Array.from(w, (x) => (1 - this.leak) * (x / sum) + this.leak / this.vocab);
    const row = { tokens, probs };
    if (this.rows.size >= ROW_CACHE) this.rows.clear();
    this.rows.set(state, row);
    return row;
  }

  /** P(t | state) for one token. */
  prob(state: number, token: number): number {
    const row = this.row(state);
    const i = row.tokens.indexOf(token);
    return i >= 0 ? (row.probs[i] as number) : this.leak / this.vocab;
  }

  /** The whole row as a dense distribution over the vocabulary. */
  dense(state: number): Float64Array {
    const out = new Float64Array(this.vocab).fill(this.leak / this.vocab);
    const row = this.row(state);
    row.tokens.forEach((t, i) => { out[t] = row.probs[i] as number; });
    return out;
  }

  /**
   * Draws the token after `state`: with probability leak a uniform token, else a support token by its weight. This is
   * exactly the row's distribution (the leak share of each token is leak / vocab either way). Uses 2 draws of `prng`.
   */
  sample(state: number, prng: Prng): number {
    const branch = prng.next();
    const u = prng.next();
    if (branch < this.leak) return Math.min(this.vocab - 1, Math.floor(u * this.vocab));
    const row = this.row(state);
    const base = this.leak / this.vocab;
    const scale = 1 - this.leak;
    let acc = 0;
    for (let i = 0; i < row.tokens.length; i++) {
      acc += ((row.probs[i] as number) - base) / scale;
      if (u < acc) return row.tokens[i] as number;
    }
    return row.tokens[row.tokens.length - 1] as number;
  }

  /**
   * A token sequence of `length` (≥ order) drawn from the source: `order` uniform start tokens, `burnIn` steps
   * discarded (the start then matters little), and the chain run on.
   */
  sequence(prng: Prng, length: number, burnIn = 16): number[] {
    const seq: number[] = [];
    for (let i = 0; i < this.order; i++) seq.push(prng.int(this.vocab));
    const total = burnIn + Math.max(length, this.order);
    while (seq.length < total) seq.push(this.sample(this.stateOf(seq), prng));
    return seq.slice(seq.length - length);
  }
}
