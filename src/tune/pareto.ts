import { OBJECTIVES } from './objective-defs.js';
import type { Constraint } from './space.js';
import type { TrialResult } from './types.js';

/*
 * The Pareto front: with several objectives there is no single best trial, only those no other trial beats on every
 * objective at once. Trials that break a constraint, or lack a value for an objective, are not on it.
 */

/** Whether a result meets every constraint (a missing value breaks the constraint on it). */
export function feasible(r: TrialResult, constraints: Readonly<Record<string, Constraint>>): boolean {
  for (const [name, c] of Object.entries(constraints)) {
    const v = r.objectives[name];
    if (v === undefined || v === null) return false;
    if (c.min !== undefined && v < c.min) return false;
    if (c.max !== undefined && v > c.max) return false;
  }
  return true;
}

/** Whether `a` dominates `b`: at least as good on every objective and better on one. */
export function dominates(a: readonly number[], b: readonly number[], better: ReadonlyArray<1 | -1>): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    const d = ((a[k] as number) - (b[k] as number)) * (better[k] as number);
    if (d < 0) return false;
    if (d > 0) strictly = true;
  }
  return strictly;
}

/** The ids of the non-dominated feasible results over `objectives`, sorted. O(n²), which a sweep's size allows. */
export function paretoFront(results: readonly TrialResult[], objectives: readonly string[], constraints: Readonly<Record<string, Constraint>>): string[] {
  const better = objectives.map((o) => (OBJECTIVES[o]?.direction === 'max' ? 1 : -1) as 1 | -1);
  const points = results
    .filter((r) => feasible(r, constraints) && objectives.every((o) => typeof r.objectives[o] === 'number'))
    .map((r) => ({ id: r.id, v: objectives.map((o) => r.objectives[o] as number) }));
  return points.filter((p) => !points.some((q) => q !== p && dominates(q.v, p.v, better))).map((p) => p.id).sort();
}
