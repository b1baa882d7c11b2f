import { InvalidInputError } from '../errors/index.js';
import { Prng } from '../random/index.js';
import type { SparseRow } from '../yuma/index.js';

/*
 * Behaviours: weights produced epoch by epoch instead of written out (the scenario's extension of the contract).
 * A hidden quality vector over the miners drifts from epoch to epoch; honest validators weigh it with noise; late
 * validators weigh what it was `lag` epochs ago; copiers publish the consensus the chain published `lag` epochs ago;
 * a cartel weighs its own miners to the top.
 */

/** One behaviour of the scenario's `behaviours` list. */
export type Behaviour =
  | { type: 'honest'; uids: number[]; noise?: number }
  | { type: 'late'; uids: number[]; lag: number; noise?: number }
  | { type: 'copier'; uids: number[]; lag: number; start?: number; noise?: number }
  | { type: 'cartel'; uids: number[]; miners: number[]; noise?: number }
  | { type: 'sybil'; uids: number[]; of: number };

/** The hidden quality the honest validators measure: over `miners`, starting at `values`, drifting by `drift`. */
export interface Quality {
  miners: number[];
  values: number[];
  /** Standard deviation of each miner's log-quality step per epoch; 0 keeps the quality fixed. */
  drift?: number;
}

/** Behaviours after validation, with their defaults. */
export interface BehaviourPlan {
  behaviours: Behaviour[];
  quality: Quality;
  seed: number;
}

const DEFAULT_NOISE = 0.05;

function uidList(v: unknown, path: string, n: number): number[] {
  if (!Array.isArray(v) || v.length === 0) throw new InvalidInputError(path, 'expected a non-empty array of uids');
  return v.map((u, i) => {
    if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u >= n) throw new InvalidInputError(`${path}[${i}]`, `expected a uid in 0..${n - 1}, got ${JSON.stringify(u)}`);
    return u;
  });
}

function nonNegative(v: unknown, path: string, fallback: number, max = 10): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new InvalidInputError(path, `expected a number in 0..${max}, got ${JSON.stringify(v)}`);
  return v;
}

function lag(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 1000) throw new InvalidInputError(path, `expected a lag in epochs, 1..1000, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates `behaviours`, `quality` and `seed`, naming the place of any error. */
export function validateBehaviours(raw: { behaviours?: unknown; quality?: unknown; seed?: unknown }, n: number): BehaviourPlan | null {
  if (raw.behaviours === undefined) return null;
  if (!Array.isArray(raw.behaviours)) throw new InvalidInputError('behaviours', 'expected an array of behaviours');
  if (typeof raw.quality !== 'object' || raw.quality === null) throw new InvalidInputError('quality', 'is required with behaviours: { miners, values, drift }');
  const q = raw.quality as Record<string, unknown>;
  const miners = uidList(q.miners, 'quality.miners', n);
  if (!Array.isArray(q.values) || q.values.length !== miners.length) throw new InvalidInputError('quality.values', `expected ${miners.length} qualities, one per miner`);
  const values = q.values.map((v, i) => nonNegative(v, `quality.values[${i}]`, 0, 1e9));
  const quality: Quality = { miners, values, drift: nonNegative(q.drift, 'quality.drift', 0, 5) };
  const seed = raw.seed === undefined ? 1 : raw.seed;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new InvalidInputError('seed', 'expected an integer');
  const behaviours = raw.behaviours.map((b, i): Behaviour => {
    const path = `behaviours[${i}]`;
    if (typeof b !== 'object' || b === null) throw new InvalidInputError(path, 'expected a behaviour object');
    const o = b as Record<string, unknown>;
    const uids = uidList(o.uids, `${path}.uids`, n);
    switch (o.type) {
      case 'honest':
        return { type: 'honest', uids, noise: nonNegative(o.noise, `${path}.noise`, DEFAULT_NOISE) };
      case 'late':
        return { type: 'late', uids, lag: lag(o.lag, `${path}.lag`), noise: nonNegative(o.noise, `${path}.noise`, DEFAULT_NOISE) };
      case 'copier':
        return {
          type: 'copier', uids, lag: lag(o.lag, `${path}.lag`), noise: nonNegative(o.noise, `${path}.noise`, DEFAULT_NOISE),
          start: o.start === undefined ? 0 : Math.floor(nonNegative(o.start, `${path}.start`, 0, 100_000)),
        };
      case 'cartel':
        return { type: 'cartel', uids, miners: uidList(o.miners, `${path}.miners`, n), noise: nonNegative(o.noise, `${path}.noise`, DEFAULT_NOISE) };
      case 'sybil': {
        // Sybil miners serve the same answers as the miner `of`: validators measure them at its quality.
        const of = o.of;
        if (typeof of !== 'number' || !Number.isInteger(of) || of < 0 || of >= n) throw new InvalidInputError(`${path}.of`, `expected a miner uid in 0..${n - 1}, got ${JSON.stringify(of)}`);
        if (!miners.includes(of)) throw new InvalidInputError(`${path}.of`, `uid ${of} is not one of quality.miners`);
        uids.forEach((u, k) => {
          if (!miners.includes(u)) throw new InvalidInputError(`${path}.uids[${k}]`, `uid ${u} is not one of quality.miners`);
        });
        return { type: 'sybil', uids, of };
      }
      default:
        throw new InvalidInputError(`${path}.type`, `unknown behaviour ${JSON.stringify(o.type)} (expected honest, late, copier, cartel or sybil)`);
    }
  });
  return { behaviours, quality, seed };
}

/** A row of u16 weights over `miners`, the largest at 65535. */
function toRow(miners: number[], raw: number[]): SparseRow {
  const max = Math.max(...raw);
  return miners.map((j, k): [number, number] => [j, max > 0 ? Math.round(((raw[k] as number) / max) * 65535) : 0]);
}

/**
 * Produces the weights rows of each epoch. One instance per variant run, so that copiers see that variant's
 * consensus; the quality path and the noise are the same for every variant (same seed).
 */
export class BehaviourWeights {
  private readonly qualityPath: number[][] = [];
  private readonly rng: Prng;
  private readonly drift: Prng;

  constructor(private readonly plan: BehaviourPlan) {
    this.rng = new Prng(plan.seed);
    this.drift = new Prng(plan.seed ^ 0x9e3779b9);
  }

  /** The quality at epoch e (drifting from the start values). */
  private qualityAt(e: number): number[] {
    const q = this.plan.quality;
    while (this.qualityPath.length <= e) {
      const prev = this.qualityPath[this.qualityPath.length - 1] ?? q.values;
      const sigma = q.drift ?? 0;
      const next = this.qualityPath.length === 0 ? prev.slice() : prev.map((v) => v * Math.exp(sigma * this.drift.normal()));
      for (const b of this.plan.behaviours) {
        if (b.type !== 'sybil') continue;
        const src = next[q.miners.indexOf(b.of)] as number;
        for (const u of b.uids) next[q.miners.indexOf(u)] = src;
      }
      this.qualityPath.push(next);
    }
    return this.qualityPath[e] as number[];
  }

  private noisy(quality: number[], noise: number): number[] {
    return quality.map((v) => v * Math.max(0, 1 + noise * this.rng.normal()));
  }

  /** The rows set before epoch e; `consensus(e')` gives the u16 consensus the chain published at epoch e'. */
  rows(e: number, consensus: (epoch: number) => number[] | undefined): Map<number, SparseRow> {
    const out = new Map<number, SparseRow>();
    const miners = this.plan.quality.miners;
    for (const b of this.plan.behaviours) {
      if (b.type === 'sybil') continue;
      for (const uid of b.uids) {
        if (b.type === 'honest') out.set(uid, toRow(miners, this.noisy(this.qualityAt(e), b.noise ?? DEFAULT_NOISE)));
        else if (b.type === 'late') out.set(uid, toRow(miners, this.noisy(this.qualityAt(Math.max(0, e - b.lag)), b.noise ?? DEFAULT_NOISE)));
        else if (b.type === 'cartel') {
          const q = this.noisy(this.qualityAt(e), b.noise ?? DEFAULT_NOISE);
          const top = Math.max(...q) * 2;
          out.set(uid, toRow(miners, miners.map((j, k) => (b.miners.includes(j) ? top : (q[k] as number)))));
        } else {
          // A copier publishes the consensus of `lag` epochs ago from its `start` epoch on; before that it validates
          // honestly (so that it holds bonds like the others when it starts copying).
          const c = e >= (b.start ?? 0) ? consensus(e - b.lag) : undefined;
          if (c !== undefined) out.set(uid, toRow(miners, miners.map((j) => c[j] ?? 0)));
          else if (e < (b.start ?? 0)) out.set(uid, toRow(miners, this.noisy(this.qualityAt(e), b.noise ?? DEFAULT_NOISE)));
        }
      }
    }
    return out;
  }
}
