import { InvalidInputError } from '../errors/index.js';
import { storedBondsAfter } from '../replay/index.js';
import { HYPERPARAM_KEYS, maxUpscaleU16 } from '../simulation/index.js';
import { runEpochFields } from '../yuma/index.js';
import type { EpochInput, EpochMode, EpochOutput, SparseRow } from '../yuma/index.js';
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

const DEFAULT_MAX_VALIDATORS = 64;

/** One re-run: the outputs (the fields asked for and CARRIED), the stakes in force, and the roles. */
export interface ArchiveRun extends RunView {
  epochs: EpochOutput[];
}

function median(xs: bigint[]): bigint {
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
    cStake = copier.stake === 'median' ? median(roles.honest.map((h) => BigInt(first.stake[h] ?? 0))) : copier.stake;
    cLag = copier.lag + (typeof settings.commitRevealPeriod === 'number' ? settings.commitRevealPeriod : 0);
    roles.copier = cUid;
  }
  recorded.forEach((rec, e) => {
    const r = rec.input;
    const input: EpochInput = { ...r, ...hyper };
    if (!rec.restart) {
      // Carried state, over the uids appended since (no permit, no bonds).
      input.bonds = Array.from({ length: r.n }, (_, u) => bonds[u] ?? []);
      input.validatorPermit = Array.from({ length: r.n }, (_, u) => permits[u] ?? false);
    }
    if (cUid >= 0) {
      const from = e - cLag;
      if (e >= (copier as CopierSpec).start && from >= 0) {
        cRow = copyRow((outputs[from] as EpochOutput).consensus, cUid);
        cLast = r.block - 1;
      }
      if (!Object.prototype.hasOwnProperty.call(settings, 'maxAllowedValidators')) {
        input.maxAllowedValidators = Math.min(65535, (r.maxAllowedValidators ?? DEFAULT_MAX_VALIDATORS) + 1);
      }
      input.n = r.n + 1;
      input.stake = [...r.stake, cStake.toString()];
      input.lastUpdate = [...r.lastUpdate, cLast];
      input.blockAtRegistration = [...r.blockAtRegistration, 0];
      input.validatorPermit = [...input.validatorPermit.slice(0, r.n), permits[cUid] ?? false];
      input.weights = [...r.weights, cRow];
      input.bonds = [...input.bonds.slice(0, r.n), bonds[cUid] ?? []];
      if (r.commitBlock !== undefined) input.commitBlock = [...r.commitBlock, null];
    }
    const out = runEpochFields(input, keys, { mode }) as unknown as EpochOutput;
    bonds = storedBondsAfter(input, out);
    permits = out.validatorPermit.slice();
    outputs.push(out);
    stakes.push(input.stake.map((s) => BigInt(s)));
  });
  return { run: { epochs: outputs, stakes }, roles };
}
