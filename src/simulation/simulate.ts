import { fn, oneOf, optional, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import { prepareNormalized } from '../yuma/index.js';
import { runEpoch, runEpochFields } from '../yuma/index.js';
import { validateEpochInput } from '../yuma/index.js';
import type { EpochInput, EpochMode, EpochOutput, NormalizedEpochInput, SparseRow } from '../yuma/index.js';
import { BehaviourWeights } from './behaviours.js';
import { maxUpscaleU16 } from './max-upscale.js';
import type { EpochSeries, NormalizedScenario, SeriesResult, SimulateOptions, SimulationEvent, SimulationResult, Variant } from './types.js';
import { validateScenario } from './validate-scenario.js';

/** Defaults of `simulate`'s options. */
export const SIMULATE_DEFAULTS: Readonly<Required<Omit<SimulateOptions, 'onProgress' | 'fields'>>> = Object.freeze({ mode: 'exact' });

/** Per-run options once merged: the mode, and the fields kept (null: all). */
type RunOptions = { mode: EpochMode; fields: ReadonlyArray<keyof EpochOutput> | null };

/** The fields every run carries to the next (bonds, permits) or a copier reads (consensus). */
const CARRIED: ReadonlyArray<keyof EpochOutput> = ['bonds', 'validatorPermit', 'consensus'];

/** The chain state a variant carries from run to run. */
interface SubnetState {
  weights: SparseRow[];
  registration: number[];
  lastUpdate: number[];
  permits: boolean[];
  bonds: SparseRow[];
  stake: string[];
}

/** An epoch's series record: everything but the bonds rows and bits, with each uid's bond total. */
export function toSeries(out: EpochOutput): EpochSeries {
  const { bonds, bits: _bits, ...rest } = out;
  return { ...rest, bondTotals: bonds.map((row) => row.reduce((a, [, v]) => a + v, 0)) };
}

/**
 * One variant's runs. Only the consensus of past epochs is kept (behaviours read it), so memory stays at one epoch's
 * state and output whatever the number of epochs; the caller decides what to keep of each yielded output.
 */
function* runVariant(s: NormalizedScenario, variant: Variant, options: RunOptions, tick: () => void): Generator<{ input: NormalizedEpochInput; output: EpochOutput }> {
  const keep = options.fields === null ? null : [...new Set([...CARRIED, ...options.fields])];
  const n = s.n;
  // Every uid registered at block 0 with lastUpdate 0, no permit and no bonds.
  const state: SubnetState = {
    weights: Array.from({ length: n }, () => []),
    registration: new Array<number>(n).fill(0),
    lastUpdate: new Array<number>(n).fill(0),
    permits: new Array<boolean>(n).fill(false),
    bonds: Array.from({ length: n }, () => []),
    stake: s.stake.map(String),
  };
  const { name: _name, ...overrides } = variant;
  const probe: EpochInput = {
    ...s.hyperparams, ...overrides, n, block: 0, stake: new Array<number>(n).fill(0), lastUpdate: new Array<number>(n).fill(0),
    blockAtRegistration: new Array<number>(n).fill(0), validatorPermit: new Array<boolean>(n).fill(false),
    weights: Array.from({ length: n }, () => []), bonds: Array.from({ length: n }, () => []),
  };
  const template = validateEpochInput(probe, `variants["${variant.name}"].`);
  const consensus: number[][] = [];
  const produced = s.plan === null ? null : new BehaviourWeights(s.plan);
  const consensusAt = (epoch: number): number[] | undefined => (epoch >= 0 ? consensus[epoch] : undefined);
  for (let k = 0; k < s.blocks.length; k++) {
    const block = s.blocks[k] as number;
    const e = s.warmup ? k - 1 : k;
    const epoch = e >= 0 ? s.epochs[e] : undefined;
    if (epoch !== undefined) {
      if (epoch.stake !== null) state.stake = epoch.stake.map(String);
      // A re-registered uid starts afresh in the block before this run: no weights of its own, no bonds, and, by the
      // epoch's masks, no bonds to it and no weights to it that were set before it registered.
      for (const uid of epoch.register) {
        state.registration[uid] = block - 1;
        state.weights[uid] = [];
        state.bonds = state.bonds.map((row, i) => (i === uid ? [] : row));
        state.lastUpdate[uid] = block - 1;
      }
      // Behaviours first, explicit rows over them. Rows set before this run are stored as the chain stores them;
      // their uid's lastUpdate is the block before.
      const rows = produced === null ? epoch.weights : new Map([...produced.rows(e, consensusAt), ...epoch.weights]);
      for (const [uid, row] of rows) {
        const stored = maxUpscaleU16(row.map(([, v]) => v));
        state.weights[uid] = row.map(([j], q): [number, number] => [j, stored[q] as number]);
        state.lastUpdate[uid] = block - 1;
      }
    }
    // The scenario was validated as a whole; each run's input is built in normalized form from the variant's checked
    // hyperparameters, without validating a whole EpochInput per epoch.
    const input: NormalizedEpochInput = {
      ...template,
      block: BigInt(block),
      blockAtRegistration: state.registration.map((x) => BigInt(x)),
      stake: state.stake.map((x) => BigInt(x)),
      lastUpdate: state.lastUpdate.map((x) => BigInt(x)),
      validatorPermit: state.permits,
      // A copy of the row list: the state's is updated in place by the next epoch, and the event hands this input out.
      weights: state.weights.slice(),
      bonds: state.bonds,
    };
    // The output is read now, while the engine's heap holds this run: all of it, or only the fields asked for.
    const prep = prepareNormalized(input);
    const out = keep === null ? { ...runEpoch(prep, { mode: options.mode }) } : (runEpochFields(prep, keep, { mode: options.mode }) as EpochOutput);
    state.bonds = out.bonds;
    state.permits = out.validatorPermit;
    tick();
    if (epoch !== undefined) {
      consensus.push(out.consensus);
      yield { input, output: out };
    }
  }
}

/**
 * Runs a scenario (contracts/scenario.md): every variant over every epoch, carrying weights, last updates, permits and
 * bonds from run to run. Returns one EpochOutput per scenario epoch and variant (the warm-up is not included).
 */
export function simulate(scenario: unknown, options?: SimulateOptions): SimulationResult {
  checkMode(options);
  return collect(runsOf(validateScenario(scenario), options), (ev) => ev.output);
}

/** `simulate` of a scenario validated already (validateScenario), for callers that also read its stake path. */
export function simulateNormalized(s: NormalizedScenario, options?: SimulateOptions): SimulationResult {
  checkMode(options);
  return collect(runsOf(s, options), (ev) => ev.output);
}

/** Every variant's epochs, each kept as `keep` makes it. */
function collect<T>(runs: Iterable<SimulationEvent>, keep: (ev: Extract<SimulationEvent, { kind: 'epoch' }>) => T): { variants: Array<{ name: string; epochs: T[] }> } {
  const result: { variants: Array<{ name: string; epochs: T[] }> } = { variants: [] };
  for (const ev of runs) {
    if (ev.kind === 'variant') result.variants.push({ name: ev.name, epochs: [] });
    else result.variants[ev.variant]?.epochs.push(keep(ev));
  }
  return result;
}

/**
 * Runs a scenario like simulate, yielding each epoch as it is computed instead of keeping every output, so a caller
 * can stream the outputs (as `yumaval simulate --json` and `--out` do) in memory that does not grow with the bonds
 * of every epoch. The scenario is validated before the first run (errors are thrown by the first `next()`).
 */
export function* simulateRuns(scenario: unknown, options?: SimulateOptions): Generator<SimulationEvent> {
  checkMode(options);
  yield* runsOf(validateScenario(scenario), options);
}

const CHECKS: Readonly<Record<keyof SimulateOptions, Check>> = {
  mode: oneOf(['exact', 'f64']),
  fields: optional((v) => (Array.isArray(v) && v.every((f) => typeof f === 'string') ? null : 'expected an array of EpochOutput field names')),
  onProgress: optional(fn('(done: number, total: number) => void')),
};

/** Checks the options (src/options) before a scenario is validated or run: a bad mode or an unknown key is refused. */
function checkMode(options: SimulateOptions | undefined): void {
  resolveOptions({ thing: 'a simulate option', things: 'simulate options', defaults: SIMULATE_DEFAULTS as Partial<SimulateOptions>, checks: CHECKS }, options ?? {});
}

/** The runs of a validated scenario, as simulateRuns yields them. */
function* runsOf(s: NormalizedScenario, options: SimulateOptions | undefined): Generator<SimulationEvent> {
  const mode = options?.mode ?? SIMULATE_DEFAULTS.mode;
  const fields = options?.fields ?? null;
  const total = s.variants.length * s.blocks.length;
  let done = 0;
  const tick = (): void => options?.onProgress?.(++done, total);
  for (const [k, v] of s.variants.entries()) {
    yield { kind: 'variant', variant: k, name: v.name };
    let epoch = 0;
    for (const { input, output } of runVariant(s, v, { mode, fields }, tick)) {
      // The series record is built only when read (metrics and charts read it; sweeps and --json do not).
      let series: EpochSeries | undefined;
      yield { kind: 'epoch', variant: k, name: v.name, epoch: epoch++, input, output, get series() { return (series ??= toSeries(output)); } };
    }
  }
}

/** Runs a scenario keeping only each epoch's series record (metrics, charts, CSV), not its bonds rows and bits. */
export function simulateSeries(scenario: unknown, options?: SimulateOptions): SeriesResult {
  checkMode(options);
  return collect(runsOf(validateScenario(scenario), options), (ev) => ev.series);
}
