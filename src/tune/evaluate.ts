import { incentiveInstability, meanIncentiveShare, simulateNormalized, stakePathOf, validateScenario } from '../simulation/index.js';
import type { NormalizedScenario, Scenario } from '../simulation/index.js';
import type { EpochMode } from '../yuma/index.js';
import { copierGainAtEnd, dividendFairness, honestDividendTotal, newcomerEpochs, stakeRetention, type RunView } from './objectives.js';
import { runArchive } from './archive-run.js';
import { evaluateScoring } from './scoring-eval.js';
import { spaceKind, validateSpace, type Space } from './space.js';
import type { TuneSource } from './sources.js';
import { trialScenario, withHonestCartel, withoutNewcomer, type Roles } from './trial-scenario.js';
import type { SweepDefinition, Trial, TrialResult } from './types.js';

/*
 * Runs trials. One Evaluator per thread and sweep: it checks the space once and keeps the baseline runs, which every
 * trial of a source compares with. Everything here is a pure function of the sweep definition and the trial, so a
 * trial gives the same values bit for bit wherever it runs (a thread, a `yumaval worker` on another machine, again
 * after a crash).
 */

/** An epoch output field an objective reads. */
type Field = 'validatorEmission' | 'serverEmission' | 'emission' | 'incentive';

/**
 * The epoch output fields each consensus objective reads: a trial builds only those of its objectives (the u64 ones
 * are a decimal string per uid, and a sweep builds millions of them).
 */
const FIELDS_OF: Readonly<Record<string, readonly Field[]>> = {
  copierGain: ['validatorEmission'],
  honestDividends: ['validatorEmission'],
  stakeRetention: ['validatorEmission', 'serverEmission', 'emission'],
  cartelGain: ['incentive'],
  dividendFairness: ['validatorEmission'],
  incentiveInstability: ['incentive'],
  newcomerEpochs: ['incentive'],
};

/** The fields a set of objectives reads. */
function fieldsOf(objectives: readonly string[]): Field[] {
  return [...new Set(objectives.flatMap((o) => FIELDS_OF[o] ?? []))];
}

/** One source's values for a trial (NaN where meaningless). */
type Values = Record<string, number>;

/** A scenario checked once, with its stake path: what trials that differ only in hyperparameters share. */
interface Checked {
  normalized: NormalizedScenario;
  stakes: bigint[][];
}

function check(scenario: Scenario): Checked {
  const normalized = validateScenario(scenario);
  return { normalized, stakes: stakePathOf(normalized) };
}

/**
 * Runs a checked scenario under `hyperparams` as its only variant (every hyperparameter of the trial, so none of the
 * checked scenario's own applies); the variant's values are checked by the run itself.
 */
function runChecked(c: Checked, hyperparams: Scenario['hyperparams'], mode: EpochMode, fields: readonly Field[]): RunView {
  const result = simulateNormalized({ ...c.normalized, variants: [{ ...hyperparams, name: 'trial' }] }, { mode, fields });
  return { epochs: result.variants[0]?.epochs ?? [], stakes: c.stakes };
}

function run(scenario: Scenario, mode: EpochMode, fields: readonly Field[]): RunView {
  return runChecked(check(scenario), scenario.hyperparams, mode, fields);
}

/** The mean of the finite values, or null. */
function meanOrNull(xs: number[]): number | null {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length === 0 ? null : ok.reduce((a, b) => a + b, 0) / ok.length;
}

/** Evaluates the trials of one sweep. */
export class Evaluator {
  readonly space: Space;
  private readonly baselines = new Map<string, number>();
  /**
   * Trial scenarios checked once per source, epoch budget and copier lag: the trials of a sweep differ in their
   * hyperparameters only, and checking a scenario costs as much as running a few of its epochs.
   */
  private readonly checked = new Map<string, Checked>();

  /** The output fields this sweep's objectives read (the baseline's honest dividends: validatorEmission). */
  private readonly fields: Field[];

  constructor(readonly definition: SweepDefinition) {
    this.space = validateSpace(definition.space);
    this.fields = fieldsOf(definition.objectives);
  }

  /** A trial's objectives: each source's values, averaged over the sources where they mean something. */
  evaluate(trial: Trial): TrialResult {
    const values = spaceKind(this.space) === 'scoring'
      ? [evaluateScoring(this.space, trial.params, this.definition.objectives, this.definition.seed, trial.epochs)]
      : this.definition.sources.map((s, k) => this.consensus(k, s, trial));
    const objectives: Record<string, number | null> = {};
    for (const name of this.definition.objectives) objectives[name] = meanOrNull(values.map((v) => v[name] ?? Number.NaN));
    return { id: trial.id, params: trial.params, epochs: trial.epochs, objectives };
  }

  private wants(name: string): boolean {
    return this.definition.objectives.includes(name);
  }

  private consensus(k: number, source: TuneSource, trial: Trial): Values {
    const sp = this.space;
    const { mode } = this.definition;
    const settings = { ...sp.fixed, ...trial.params };
    const budget = trial.epochs ?? sp.epochs;
    let main: RunView, roles: Roles, scenario: Scenario | null = null;
    if (source.kind === 'archive') {
      ({ run: main, roles } = runArchive(source, settings, sp.copier, budget, mode, this.fields));
    } else {
      ({ scenario, roles } = trialScenario(source, settings, sp.copier, sp.newcomer, budget));
      const key = `${k}/${budget ?? 'all'}/${String(settings.commitRevealPeriod ?? 0)}`;
      let c = this.checked.get(key);
      if (c === undefined) {
        c = check(scenario);
        this.checked.set(key, c);
      }
      main = runChecked(c, scenario.hyperparams, mode, this.fields);
    }
    const out: Values = {};
    if (this.wants('copierGain')) out.copierGain = roles.copier === null ? Number.NaN : copierGainAtEnd(main, roles.copier, roles.honest);
    if (this.wants('honestDividends')) {
      const base = this.baselineTotal(k, source, budget);
      out.honestDividends = base > 0 ? honestDividendTotal(main, roles.honest) / base : Number.NaN;
    }
    if (this.wants('stakeRetention')) out.stakeRetention = stakeRetention(main, roles.honest, roles.cartelMiners);
    // Recorded history has no behaviours to turn honest and no miner to re-register: those two are null on it.
    if (this.wants('cartelGain')) out.cartelGain = scenario === null ? Number.NaN : this.cartelGain(scenario, roles, main);
    if (this.wants('dividendFairness')) out.dividendFairness = dividendFairness(main, roles.honest);
    if (this.wants('incentiveInstability')) out.incentiveInstability = incentiveInstability([...main.epochs]);
    if (this.wants('newcomerEpochs')) {
      const nc = sp.newcomer;
      out.newcomerEpochs = scenario === null || nc === null || nc.at >= main.epochs.length ? Number.NaN : newcomerEpochs(main, run(withoutNewcomer(scenario, nc), mode, this.fields), nc.uid, nc.at, nc.reach);
    }
    return out;
  }

  private cartelGain(scenario: Scenario, roles: Roles, main: RunView): number {
    const fair = withHonestCartel(scenario);
    if (fair === null || roles.cartelMiners.length === 0) return Number.NaN;
    const base = meanIncentiveShare([...run(fair, this.definition.mode, this.fields).epochs], roles.cartelMiners);
    return base > 0 ? meanIncentiveShare([...main.epochs], roles.cartelMiners) / base : Number.NaN;
  }

  /** The honest validators' total dividends under the baseline parameters (once per source and budget). */
  private baselineTotal(k: number, source: TuneSource, epochs: number | null): number {
    const key = `${k}/${epochs ?? 'all'}`;
    let total = this.baselines.get(key);
    if (total === undefined) {
      const sp = this.space;
      const settings = { ...sp.fixed, ...sp.baseline };
      if (source.kind === 'archive') {
        const { run: r, roles } = runArchive(source, settings, sp.copier, epochs, this.definition.mode, this.fields);
        total = honestDividendTotal(r, roles.honest);
      } else {
        const { scenario, roles } = trialScenario(source, settings, sp.copier, sp.newcomer, epochs);
        total = honestDividendTotal(run(scenario, this.definition.mode, this.fields), roles.honest);
      }
      this.baselines.set(key, total);
    }
    return total;
  }
}
