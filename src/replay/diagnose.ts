import { EPOCH_DEFAULTS } from '../yuma/index.js';
import type { EpochInput, EpochOutput, SparseRow } from '../yuma/index.js';
import { diffEpoch, storedBondsAfter } from './diff.js';
import type { FieldDiff, Snapshot, StoredOutput } from './types.js';

/*
 * Why an epoch did not match, where the data allows saying it. In order:
 *   1. the chain stored no results;
 *   2. the runtime does not run Yuma: the weights changed but the stored outputs did not move, or the stored outputs
 *      are a split by stake, or all zero;
 *   2b. the chain gave permits to uids without stake (the rule before 2025-05-13);
 *   3. the difference is confined to the bonds of uids registered since the last epoch;
 *   4. one parameter explains it: re-running with one hyperparameter changed (to a value another epoch of this replay
 *      used, to the contract's default, or the other boolean) gives every stored field exactly; raoEmission, which the
 *      chain derives from pool prices and does not store, is solved for from the stored emission;
 *   5. the parameters the replay could not read are named.
 * Every check re-runs the exact engine on the snapshot; nothing here is a tolerance on the compared fields.
 */

/** The hyperparameters a counterfactual re-run may change, in the order they are tried. */
const PARAMS = [
  'kappa', 'bondsMovingAverage', 'bondsPenalty', 'maxAllowedValidators', 'activityCutoff', 'liquidAlpha', 'alphaLow', 'alphaHigh',
  'yuma3', 'alphaSigmoidSteepness', 'commitRevealEnabled', 'stakeThreshold', 'tempo', 'ownerUid',
] as const;
type Param = (typeof PARAMS)[number];

/** At most this many counterfactual runs per epoch (they are cheap at small n, and bounded at large n). */
const MAX_RERUNS = 48;

/** What the diagnosis may use besides the epoch itself. */
export interface DiagnoseContext {
  /** The previous epoch of this replay, if any. */
  previous: Snapshot | null;
  /** The distinct values of each parameter in the epochs replayed before this one. */
  seen: ReadonlyMap<string, readonly unknown[]>;
  /** Runs the exact engine. */
  run(input: EpochInput): EpochOutput;
}

/** The value an input uses for a parameter (its default when absent). */
function valueOf(input: EpochInput, p: Param | 'raoEmission'): unknown {
  const v = input[p];
  if (v !== undefined) return typeof v === 'bigint' ? v.toString() : v;
  if (p === 'activityCutoff') return undefined;
  const d = (EPOCH_DEFAULTS as Record<string, unknown>)[p];
  return typeof d === 'bigint' ? d.toString() : d;
}

/** Records this epoch's parameter values into `seen`. */
export function recordSeen(seen: Map<string, unknown[]>, input: EpochInput): void {
  for (const p of PARAMS) {
    const v = valueOf(input, p);
    if (v === undefined) continue;
    const list = seen.get(p) ?? [];
    if (!list.includes(v)) list.push(v);
    seen.set(p, list);
  }
}

const sameVector = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

const sameRows = (a: SparseRow[], b: SparseRow[]): boolean => a.length === b.length && a.every((r, i) => JSON.stringify(r) === JSON.stringify(b[i]));

/** 2: the signs of a runtime that does not run Yuma. */
function notYuma(snap: Snapshot, stored: StoredOutput, out: EpochOutput, ctx: DiagnoseContext): string | null {
  const prev = ctx.previous;
  const moving = ['incentive', 'dividends', 'consensus'] as const;
  const storedMoving = moving.filter((f) => stored[f] !== undefined);
  if (prev !== null && prev.output !== null && storedMoving.length > 0 && !sameRows(prev.input.weights, snap.input.weights)) {
    if (storedMoving.every((f) => sameVector(stored[f], prev.output?.[f]))) {
      return `does not run Yuma: the weights changed since the epoch of block ${prev.block}, but the stored ${storedMoving.join(', ')} did not move`;
    }
  }
  const zero = storedMoving.filter((f) => stored[f]!.every((v) => v === 0));
  if (zero.length === storedMoving.length && zero.length > 0 && moving.some((f) => out[f].some((v) => v !== 0))) {
    return `does not run Yuma: the stored ${zero.join(', ')} are all zero, where Yuma computes non-zero values`;
  }
  // A split by stake: every uid's stored share is its stake share (the engine's stakeWeight), to 1/65535.
  const share = out.stakeWeight;
  if (share.some((v) => v !== 0)) {
    const bySplit = (['incentive', 'dividends'] as const).filter((f) => stored[f] !== undefined && stored[f]!.every((v, uid) => Math.abs(v - (share[uid] ?? 0)) <= 1));
    if (bySplit.length > 0 && !bySplit.every((f) => out[f].every((v, uid) => Math.abs(v - (share[uid] ?? 0)) <= 1))) {
      return `does not run Yuma: the stored ${bySplit.join(' and ')} are a split by stake (each uid's stake share, to 1/65535), whatever the weights`;
    }
  }
  return null;
}

/**
 * 2b: permits given to uids without stake. Before subtensor 2ecebb19 (2025-05-13) the permits were the top k by stake
 * with zero stakes included (is_topk), so on a subnet with fewer uids than MaxAllowedValidators every uid got one.
 */
function zeroStakePermits(stored: StoredOutput, out: EpochOutput, diffs: FieldDiff[]): string | null {
  const permits = stored.validatorPermit;
  if (permits === undefined || !diffs.some((f) => f.field === 'validatorPermit')) return null;
  const uids = permits.flatMap((p, uid) => (p && out.validatorPermit[uid] === false && out.stakeWeight[uid] === 0 ? [uid] : []));
  if (uids.length === 0 || uids.length !== diffs.find((f) => f.field === 'validatorPermit')!.uids) return null;
  return `validatorPermit: the chain gave permits to uids without stake (uid ${uids.slice(0, 10).join(', ')}${uids.length > 10 ? ', ...' : ''}), as runtimes before subtensor 2ecebb19 (2025-05-13) did; this engine follows the later rule`;
}

/** 3: every differing bond involves a uid registered after the previous epoch. */
function newRegistrationBonds(snap: Snapshot, stored: StoredOutput, out: EpochOutput, diffs: FieldDiff[]): string | null {
  if (diffs.length !== 1 || diffs[0]!.field !== 'bonds' || stored.bonds === undefined) return null;
  const input = snap.input;
  const since = input.lastMechanismStepBlock ?? 0;
  const fresh = (uid: number): boolean => (input.blockAtRegistration[uid] ?? 0) > since;
  const got = storedBondsAfter(input, out);
  const involved = new Set<number>();
  for (let i = 0; i < input.n; i++) {
    const e = new Map(stored.bonds[i] ?? []);
    const g = new Map(got[i] ?? []);
    if (JSON.stringify(stored.bonds[i] ?? []) === JSON.stringify(got[i] ?? [])) continue;
    if (fresh(i)) { involved.add(i); continue; }
    for (const j of new Set([...e.keys(), ...g.keys()])) {
      if (e.get(j) === g.get(j)) continue;
      if (!fresh(j)) return null;
      involved.add(j);
    }
  }
  if (involved.size === 0) return null;
  const uids = [...involved].sort((a, b) => a - b);
  return `the difference is confined to the bonds of uids registered since the last epoch (block ${since}): uid ${uids.slice(0, 10).join(', ')}${uids.length > 10 ? ', ...' : ''}`;
}

/** Whether an input reproduces every stored field. */
function reproduces(input: EpochInput, stored: StoredOutput, ctx: DiagnoseContext): boolean {
  try {
    return diffEpoch(input, stored, ctx.run(input)).length === 0;
  } catch {
    return false;
  }
}

/**
 * The raoEmission E for which the stored emission is the engine's split, or null. The engine pays uid i
 * floor(share_i · E / 2^32) with share_i in I32F32 bits, so one run at E = 2^32 gives every share_i, and each stored
 * value bounds E to an interval; the intersection's least element is verified by a full run.
 */
function solveRaoEmission(input: EpochInput, stored: StoredOutput, ctx: DiagnoseContext): bigint | null {
  const emission = stored.emission;
  if (emission === undefined) return null;
  const unit = 1n << 32n;
  const shares = ctx.run({ ...input, raoEmission: unit.toString() }).emission.map(BigInt);
  let lo = 0n;
  let hi = (1n << 64n) - 1n;
  for (let i = 0; i < input.n; i++) {
    const s = shares[i] ?? 0n;
    const e = BigInt(emission[i] ?? '0');
    if (s === 0n) {
      if (e !== 0n) return null;
      continue;
    }
    const low = (e * unit + s - 1n) / s;
    const high = ((e + 1n) * unit - 1n) / s;
    if (low > lo) lo = low;
    if (high < hi) hi = high;
    if (lo > hi) return null;
  }
  const candidate = { ...input, raoEmission: lo.toString() };
  return reproduces(candidate, stored, ctx) ? lo : null;
}

/** 4: one parameter that, changed alone, reproduces everything. */
function oneParameter(snap: Snapshot, stored: StoredOutput, diffs: FieldDiff[], ctx: DiagnoseContext): string | null {
  const input = snap.input;
  let runs = 0;
  for (const p of PARAMS) {
    const current = valueOf(input, p);
    const candidates: unknown[] = [...(ctx.seen.get(p) ?? [])];
    const d = (EPOCH_DEFAULTS as Record<string, unknown>)[p];
    if (d !== undefined) candidates.push(typeof d === 'bigint' ? d.toString() : d);
    if (typeof current === 'boolean') candidates.push(!current);
    for (const value of new Set(candidates)) {
      if (value === current || value === undefined) continue;
      if (++runs > MAX_RERUNS) return null;
      if (reproduces({ ...input, [p]: value } as EpochInput, stored, ctx)) {
        const read = current === undefined ? 'the default' : `the ${JSON.stringify(current)} read at block ${snap.block - 1}`;
        return `${p}: the stored results are exactly those of ${p} = ${JSON.stringify(value)}, not ${read} (the parameter was misread, or changed within the epoch block)`;
      }
    }
  }
  if (diffs.every((f) => f.field === 'emission')) {
    const e = solveRaoEmission(input, stored, ctx);
    if (e !== null) {
      const read = (snap.unread ?? []).includes('raoEmission') ? 'which the chain does not store' : `not the ${String(valueOf(input, 'raoEmission'))} read`;
      return `raoEmission: the stored emission is exactly Yuma's split of ${e} rao (${read}); every other field matches`;
    }
  }
  return null;
}

/**
 * The diagnosis of an epoch that did not match, or null when none can be given.
 * @param out the engine's output on the snapshot's input
 */
export function diagnose(snap: Snapshot, out: EpochOutput, diffs: FieldDiff[], ctx: DiagnoseContext): string | null {
  const stored = snap.output;
  if (stored === null || Object.keys(stored).length === 0) return 'the chain stores no epoch results this replay can read (no Consensus, Incentive, Dividends, Emission or Bonds item)';
  return notYuma(snap, stored, out, ctx)
    ?? zeroStakePermits(stored, out, diffs)
    ?? newRegistrationBonds(snap, stored, out, diffs)
    ?? oneParameter(snap, stored, diffs, ctx)
    ?? ((snap.unread ?? []).length > 0 ? `could not read ${snap.unread!.join(', ')} (the contract's defaults were used); the difference may come from them` : null);
}
