import { InvalidInputError } from '../errors/index.js';
import { storedBondsAfter } from '../replay/index.js';
import { HYPERPARAM_KEYS, maxUpscaleU16 } from '../simulation/index.js';
import { epochInputToArrays, pairsToCsr, runEpochFields } from '../yuma/index.js';
import type { CsrArrays, EpochArrays, EpochInput, EpochMode, EpochOutput, SparseRow } from '../yuma/index.js';
import type { RunView } from './objectives.js';
import type { ParamValues } from './params.js';
import type { CopierSpec } from './space.js';
import type { ArchiveSource } from './sources.js';
import type { Roles } from './trial-scenario.js';

/*
 * A trial on recorded history: the archive's epochs re-run in order, each with its recorded weights, stakes, last
 * updates, registrations and commit state, and the trial's parameters over the recorded hyperparameters (the ones a
 * trial does not set keep their recorded value, epoch by epoch). The state the epochs themselves write, bonds and
 * validator permits, is carried from the re-run's previous epoch, as the chain carries it (`storedBondsAfter`: rows
 * of new permits rewritten, rows of lost permits emptied, others kept); at an epoch marked `restart` it is the
 * recorded one. So the trial whose parameters are the recorded ones reproduces what the chain stored, epoch by epoch,
 * and any other trial is the counterfactual of the same history under other parameters.
 *
 * The injected copier (Opentensor's procedure) is one more uid, n: the median honest stake, a permit of its own, no
 * registration after the history starts, and from epoch `start` on the consensus the re-run published `lag` epochs
 * before as its weights (max-upscaled as the chain stores a row), set one block before each epoch. Before it has
 * anything to copy it sets nothing.
 */

/** What the carry and the copier need from every epoch, whatever the trial reads. */
const CARRIED = ['bonds', 'validatorPermit', 'consensus'] as const;

/** The EpochInput's default number of validator permits (contracts/epoch-io.md), which the copier's permit adds one to. */
export const DEFAULT_MAX_VALIDATORS = 64;

/** One re-run: the outputs (the fields asked for and CARRIED), the stakes in force, and the roles. */
export interface ArchiveRun extends RunView {
  epochs: EpochOutput[];
}

/** The median of stakes (the mean of the middle two, rounded down, for an even count; 0 for none). */
export function medianStake(xs: bigint[]): bigint {
  const s = xs.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (s.length === 0) return 0n;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as bigint) : ((s[m - 1] as bigint) + (s[m] as bigint)) / 2n;
}

/**
 * Who is who in recorded history: the honest validators are `truth.honest` when known, else every uid with stake at
 * the first epoch that sets a weights row in some epoch; the copier is the injected one (none recorded).
 */
export function archiveRoles(source: ArchiveSource): Roles {
  const first = source.epochs[0]?.input;
  let honest: number[];
  if (source.truth?.honest !== undefined) honest = source.truth.honest.slice();
  else {
    const setsWeights = new Set<number>();
    for (const e of source.epochs) e.input.weights.forEach((row, u) => { if (row.length > 0) setsWeights.add(u); });
    honest = (first?.stake ?? []).map((s, u) => [BigInt(s), u] as const).filter(([s, u]) => s > 0n && setsWeights.has(u)).map(([, u]) => u);
  }
  return { honest, copier: null, cartelMiners: source.truth?.cartelMiners?.slice() ?? [] };
}

/** The trial's hyperparameters: the settings' EpochInput keys (scoring keys, commitRevealPeriod and the like are not). */
function overrides(settings: ParamValues | Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) if (HYPERPARAM_KEYS.has(k)) out[k] = v;
  return out;
}

/** A commit block of 2^64 − 1: no live commit (the typed-array form's none). */
const U64_NONE = (1n << 64n) - 1n;

/**
 * Each recorded epoch in the engine's typed-array form, converted once per source (per thread) rather than checked
 * and converted again for every epoch of every trial: what a trial changes (hyperparameters, bonds, permits, the
 * copier's uid) is laid over it.
 */
const TEMPLATES = new WeakMap<ArchiveSource, EpochArrays[]>();

function templatesOf(source: ArchiveSource): EpochArrays[] {
  let t = TEMPLATES.get(source);
  if (t === undefined) {
    t = source.epochs.map((e) => epochInputToArrays(e.input));
    TEMPLATES.set(source, t);
  }
  return t;
}

function appended(v: BigUint64Array, x: bigint): BigUint64Array {
  const out = new BigUint64Array(v.length + 1);
  out.set(v);
  out[v.length] = x;
  return out;
}

/** A CSR matrix with one more row at the end. */
function withRow(m: CsrArrays, row: SparseRow): CsrArrays {
  const n = m.offsets.length - 1;
  const offsets = new Int32Array(n + 2);
  offsets.set(m.offsets);
  const total = (m.offsets[n] as number) + row.length;
  offsets[n + 1] = total;
  const uids = new Uint16Array(total), values = new Uint16Array(total);
  uids.set(m.uids);
  values.set(m.values);
  row.forEach(([u, v], k) => { uids[(m.offsets[n] as number) + k] = u; values[(m.offsets[n] as number) + k] = v; });
  return { offsets, uids, values };
}

/** A row of the consensus over every uid but the copier, as the chain stores a weights row (zeros left out). */
function copyRow(consensus: readonly number[], copier: number): SparseRow {
  const uids = consensus.map((_, j) => j).filter((j) => j !== copier);
  const up = maxUpscaleU16(uids.map((j) => consensus[j] ?? 0));
  const row: SparseRow = [];
  uids.forEach((j, k) => { if ((up[k] as number) > 0) row.push([j, up[k] as number]); });
  return row;
}

/**
 * Re-runs recorded history under a trial's settings.
 * @param settings the space's fixed values and the trial's parameters
 * @param copier the copier to inject, or null
 * @param epochs the epoch budget (the first `epochs` recorded epochs), or null for all
 * @param fields the EpochOutput fields the caller reads (CARRIED are always built)
 * @throws InvalidInputError when a setting is out of the epoch's range (named by the engine), or a copier is asked for
 *   on a history whose uid count changes
 */
export function runArchive(source: ArchiveSource, settings: ParamValues | Record<string, unknown>, copier: CopierSpec | null, epochs: number | null, mode: EpochMode, fields: ReadonlyArray<keyof EpochOutput>): { run: ArchiveRun; roles: Roles } {
  const recorded = epochs === null ? source.epochs : source.epochs.slice(0, epochs);
  const roles = archiveRoles(source);
  const hyper = overrides(settings);
  const keys = [...new Set([...fields, ...CARRIED])];
  const outputs: EpochOutput[] = [];
  const stakes: bigint[][] = [];
  let bonds: SparseRow[] = [];
  let permits: boolean[] = [];
  // The copier: its uid, stake, lag, and the row it last set (kept, as the chain keeps a row, until it sets another).
  let cUid = -1, cStake = 0n, cLag = 0, cRow: SparseRow = [], cLast = 0;
  if (copier !== null && recorded.length > 0) {
    const first = (recorded[0] as { input: EpochInput }).input;
    // Checked over the whole source, not the budget, so that the sweep's first check finds it.
    const other = source.epochs.find((r) => r.input.n !== first.n);
    if (other !== undefined) {
      throw new InvalidInputError('copier', `the archive's subnet has ${first.n} uids at block ${(recorded[0] as { block: number }).block} and ${other.input.n} at block ${other.block}: the injected copier needs a fixed number of uids`);
    }
    cUid = first.n;
    cStake = copier.stake === 'median' ? medianStake(roles.honest.map((h) => BigInt(first.stake[h] ?? 0))) : copier.stake;
    cLag = copier.lag + (typeof settings.commitRevealPeriod === 'number' ? settings.commitRevealPeriod : 0);
    roles.copier = cUid;
  }
  const templates = templatesOf(source);
  recorded.forEach((rec, e) => {
    const r = rec.input;
    const t = templates[e] as EpochArrays;
    // Carried state, over the uids appended since (no permit, no bonds); the recorded state at a restart.
    const carriedBonds = rec.restart ? r.bonds : Array.from({ length: r.n }, (_, u) => bonds[u] ?? []);
    const carriedPermits = rec.restart ? r.validatorPermit : Array.from({ length: r.n }, (_, u) => permits[u] ?? false);
    let input: EpochArrays = { ...t, ...hyper };
    let state = { bonds: carriedBonds, validatorPermit: carriedPermits };
    if (cUid >= 0) {
      const from = e - cLag;
      if (e >= (copier as CopierSpec).start && from >= 0) {
        cRow = copyRow((outputs[from] as EpochOutput).consensus, cUid);
        cLast = r.block - 1;
      }
      if (!Object.prototype.hasOwnProperty.call(settings, 'maxAllowedValidators')) {
        input.maxAllowedValidators = Math.min(65535, (r.maxAllowedValidators ?? DEFAULT_MAX_VALIDATORS) + 1);
      }
      state = { bonds: [...carriedBonds, bonds[cUid] ?? []], validatorPermit: [...carriedPermits, permits[cUid] ?? false] };
      input = {
        ...input,
        n: r.n + 1,
        stake: appended(t.stake, cStake),
        lastUpdate: appended(t.lastUpdate, BigInt(cLast)),
        blockAtRegistration: appended(t.blockAtRegistration, 0n),
        weights: withRow(t.weights, cRow),
        commitBlock: t.commitBlock === undefined || t.commitBlock === null ? t.commitBlock : appended(t.commitBlock, U64_NONE),
      };
    }
    input.bonds = rec.restart && cUid < 0 ? t.bonds : pairsToCsr(state.bonds);
    input.validatorPermit = rec.restart && cUid < 0 ? t.validatorPermit : Uint8Array.from(state.validatorPermit, (p) => (p ? 1 : 0));
    const out = runEpochFields(input, keys, { mode }) as unknown as EpochOutput;
    // storedBondsAfter reads the previous permits and the bonds the epoch started from.
    bonds = storedBondsAfter(state as unknown as EpochInput, out);
    permits = out.validatorPermit.slice();
    outputs.push(out);
    stakes.push(Array.from(input.stake));
  });
  return { run: { epochs: outputs, stakes }, roles };
}
