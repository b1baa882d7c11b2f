import { InvalidOptionError } from '../errors/index.js';
import { Prng } from '../random/index.js';
import { OBJECTIVES } from './objective-defs.js';
import type { ParamValue, ParamValues } from './params.js';
import { feasible } from './pareto.js';
import type { Dim, RangeDim, Space } from './space.js';
import type { SearchKind, Trial, TrialResult } from './types.js';

/*
 * How trials are chosen: a grid (every combination of the values; ranges cut into `steps` points), seeded random
 * sampling, or successive halving (random configurations on a short epoch budget, the better half kept at twice the
 * budget, up to the full one). Trial ids depend only on the space, the seed and the count, so a resumed sweep asks for
 * the same ids and finds the results it already has.
 */

/** A search: its rungs, each computed from the previous rung's results. */
export interface SearchPlan {
  rungs: number;
  /** Trials of every rung, for progress bars. */
  total: number;
  /** The trials of rung r (the previous rung's results for r > 0). */
  rung(r: number, previous: readonly TrialResult[]): Trial[];
}

/** Grid points of a range: `steps` points from min to max, linear or geometric, rounded when integer, without repeats. */
export function gridValues(d: Dim): ParamValue[] {
  if ('values' in d) return d.values;
  const out: number[] = [];
  for (let k = 0; k < d.steps; k++) {
    const t = k / (d.steps - 1);
    let v = d.scale === 'log' ? d.min * (d.max / d.min) ** t : d.min + (d.max - d.min) * t;
    if (k === d.steps - 1) v = d.max;
    if (d.integer) v = Math.round(v);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

function sample(d: Dim, rng: Prng): ParamValue {
  if ('values' in d) return d.values[rng.int(d.values.length)] as ParamValue;
  const r = d as RangeDim;
  const u = rng.next();
  if (r.integer) {
    // Integers uniform over [min, max] (linear) or log-uniform over [min, max + 1).
    if (r.scale === 'log') return Math.min(r.max, Math.floor(r.min * ((r.max + 1) / r.min) ** u));
    return r.min + Math.floor(u * (r.max - r.min + 1));
  }
  return r.scale === 'log' ? r.min * (r.max / r.min) ** u : r.min + (r.max - r.min) * u;
}

const pad = (k: number, width: number): string => String(k).padStart(width, '0');

function randomConfigs(space: Space, seed: number, count: number): ParamValues[] {
  const rng = new Prng(seed);
  return Array.from({ length: count }, () => Object.fromEntries(space.dims.map((d) => [d.name, sample(d, rng)])));
}

/** Ranks results by the primary objective (the first), feasible first, nulls last, then by id. */
export function rankByPrimary(results: readonly TrialResult[], objective: string, space: Space): TrialResult[] {
  const dir = OBJECTIVES[objective]?.direction === 'max' ? -1 : 1;
  return results.slice().sort((a, b) => {
    const fa = feasible(a, space.constraints) ? 0 : 1, fb = feasible(b, space.constraints) ? 0 : 1;
    if (fa !== fb) return fa - fb;
    const va = a.objectives[objective] ?? null, vb = b.objectives[objective] ?? null;
    if (va === null || vb === null) return va === null ? (vb === null ? a.id.localeCompare(b.id) : 1) : -1;
    return va === vb ? a.id.localeCompare(b.id) : (va - vb) * dir;
  });
}

/**
 * Plans a search.
 * @param fullEpochs the full epoch budget (successive halving starts at a fraction of it)
 * @param primary the objective successive halving ranks by
 */
export function planSearch(kind: SearchKind, space: Space, seed: number, trials: number, fullEpochs: number, primary: string): SearchPlan {
  if (kind === 'grid') {
    const axes = space.dims.map((d) => [d.name, gridValues(d)] as const);
    const size = axes.reduce((a, [, vs]) => a * vs.length, 1);
    if (size > 1_000_000) throw new InvalidOptionError('--search', `the grid has ${size} points (over 1,000,000): use --search random or fewer steps`);
    const width = String(size - 1).length;
    return {
      rungs: 1, total: size,
      rung: () => Array.from({ length: size }, (_, index) => {
        const params: ParamValues = {};
        let rest = index;
        // The last parameter varies fastest.
        for (let a = axes.length - 1; a >= 0; a--) {
          const [name, vs] = axes[a] as readonly [string, ParamValue[]];
          params[name] = vs[rest % vs.length] as ParamValue;
          rest = Math.floor(rest / vs.length);
        }
        return { id: `g${pad(index, width)}`, params: Object.fromEntries(space.dims.map((d) => [d.name, params[d.name] as ParamValue])), epochs: null };
      }),
    };
  }
  const width = String(trials - 1).length;
  if (kind === 'random') {
    const configs = randomConfigs(space, seed, trials);
    return { rungs: 1, total: trials, rung: () => configs.map((params, k) => ({ id: `r${pad(k, width)}`, params, epochs: null })) };
  }
  // Successive halving with η = 2: rung r keeps ⌈n/2^r⌉ configurations at a budget of fullEpochs / 2^(R−1−r).
  const rungs = Math.max(1, Math.min(Math.floor(Math.log2(trials)) + 1, Math.floor(Math.log2(fullEpochs)) + 1, 5));
  const configs = randomConfigs(space, seed, trials);
  const counts = Array.from({ length: rungs }, (_, r) => Math.ceil(trials / 2 ** r));
  const budget = (r: number): number | null => (r === rungs - 1 ? null : Math.max(1, Math.floor(fullEpochs / 2 ** (rungs - 1 - r))));
  return {
    rungs, total: counts.reduce((a, b) => a + b, 0),
    rung: (r, previous) => {
      const keep = r === 0
        ? configs.map((_, k) => k)
        : rankByPrimary(previous, primary, space).slice(0, counts[r]).map((t) => Number(t.id.slice(t.id.indexOf('-') + 1))).sort((a, b) => a - b);
      return keep.map((k) => ({ id: `h${r}-${pad(k, width)}`, params: configs[k] as ParamValues, epochs: budget(r) }));
    },
  };
}
