import { createHash } from 'node:crypto';
import { validateScenario } from '../simulation/index.js';
import { InvalidInputError, InvalidOptionError } from '../errors/index.js';
import { runArchive } from './archive-run.js';
import { trialScenario } from './trial-scenario.js';
import { OBJECTIVE_NAMES, OBJECTIVES } from './objective-defs.js';
import { paretoFront } from './pareto.js';
import { planSearch } from './search.js';
import { spaceKind, validateSpace, type Space } from './space.js';
import type { ResultStore } from './store.js';
import type { SweepDefinition, Trial, TrialResult } from './types.js';

/*
 * A sweep from start to end, whatever runs its trials: the plan gives each rung's trials, the store says which are
 * done, the runner runs the others (a piscina pool here, BullMQ workers elsewhere), and the front is taken over the
 * last rung. The same definition has the same id, so running it again finds every result and runs nothing.
 */

/** Runs trials and puts their results in the store; resolves once every trial given has a stored result. */
export interface TrialRunner {
  /** Called once before any rung: a runner that shares results (Redis) checks the sweep id is this definition's. */
  begin?(definition: SweepDefinition, sweep: string): Promise<void>;
  run(definition: SweepDefinition, sweep: string, trials: readonly Trial[], store: ResultStore, progress: (done: number) => void): Promise<void>;
}

/** What a sweep answers (`yumaval tune --json`). */
export interface SweepResult {
  sweep: string;
  /** Trials this invocation ran; the others were in the store already. */
  ran: number;
  /** Every trial of the sweep, sorted by id. */
  trials: TrialResult[];
  /** The ids of the Pareto front over the objectives (last rung, feasible trials), sorted. */
  front: string[];
}

/** Progress of a sweep: trials with a result, of all its trials. */
export type SweepProgress = (done: number, total: number) => void;

/** JSON with object keys sorted, so that equal definitions hash equally. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The id of a sweep: a hash of its definition. */
export function sweepId(definition: SweepDefinition): string {
  return `sw-${createHash('sha256').update(canonical(definition)).digest('hex').slice(0, 16)}`;
}

/** The full epoch budget: the space's, else the longest source. */
export function fullEpochs(definition: SweepDefinition, space: Space): number {
  if (space.epochs !== null) return space.epochs;
  if (spaceKind(space) === 'scoring') return 40;
  return Math.max(1, ...definition.sources.map((s) => (s.kind === 'archive' ? s.epochs.length : validateScenario(s.scenario).epochs.length)));
}

/** Checks that a definition can run: objectives known and of the space's kind, sources for a consensus space. */
export function checkDefinition(definition: SweepDefinition): Space {
  const space = validateSpace(definition.space);
  const kind = spaceKind(space);
  if (definition.objectives.length === 0) throw new InvalidOptionError('--objectives', 'name at least one objective');
  for (const o of definition.objectives) {
    const def = OBJECTIVES[o];
    if (def === undefined) throw new InvalidOptionError('--objectives', `"${o}" is not an objective (expected one of ${OBJECTIVE_NAMES.join(', ')})`);
    if (def.kind !== kind) throw new InvalidOptionError('--objectives', `"${o}" measures ${def.kind}, but the space sweeps ${kind} parameters`);
  }
  if (kind === 'consensus' && definition.sources.length === 0) throw new InvalidOptionError('--scenario', 'a consensus sweep needs at least one source (--scenario NAME|FILE or --archive FILE)');
  // The baseline's scenario of every source, checked here: a newcomer uid out of range or a fixed value the epoch
  // refuses fails the sweep at once, naming the place, rather than in every worker.
  if (kind === 'consensus') {
    for (const source of definition.sources) {
      try {
        const settings = { ...space.fixed, ...space.baseline };
        if (source.kind === 'archive') {
          if (source.epochs.length === 0) throw new InvalidInputError('', 'the archive holds no epoch in the range');
          // Its first epoch under the baseline (the engine checks every value; the copier's n is checked too).
          runArchive(source, settings, space.copier, 1, 'f64', ['incentive']);
        } else validateScenario(trialScenario(source, settings, space.copier, space.newcomer, space.epochs).scenario);
      } catch (err) {
        if (err instanceof InvalidInputError) throw new InvalidInputError(err.path === '' ? source.name : `${source.name}: ${err.path}`, err.path === '' ? err.message : err.message.slice(err.path.length + 2));
        throw err;
      }
    }
  }
  if (!Number.isInteger(definition.trials) || definition.trials < 1 || definition.trials > 1_000_000) throw new InvalidOptionError('--trials', `expected an integer in 1..1000000, got ${definition.trials}`);
  if (!Number.isInteger(definition.seed)) throw new InvalidOptionError('--seed', `expected an integer, got ${definition.seed}`);
  return space;
}


/** Runs a sweep: every rung's missing trials through the runner, then the front. */
export async function runSweep(definition: SweepDefinition, runner: TrialRunner, store: ResultStore, options: { sweep?: string; onProgress?: SweepProgress } = {}): Promise<SweepResult> {
  const space = checkDefinition(definition);
  const sweep = options.sweep ?? sweepId(definition);
  const plan = planSearch(definition.search, space, definition.seed, definition.trials, fullEpochs(definition, space), definition.objectives[0] as string);
  await runner.begin?.(definition, sweep);
  let ran = 0, doneBefore = 0;
  let previous: TrialResult[] = [];
  const all: Trial[] = [];
  for (let r = 0; r < plan.rungs; r++) {
    const trials = plan.rung(r, previous);
    all.push(...trials);
    const stored = await store.all();
    const missing = trials.filter((t) => !stored.has(t.id));
    const base = doneBefore + trials.length - missing.length;
    options.onProgress?.(base, plan.total);
    if (missing.length > 0) await runner.run(definition, sweep, missing, store, (done) => options.onProgress?.(base + done, plan.total));
    ran += missing.length;
    doneBefore += trials.length;
    const now = await store.all();
    previous = trials.map((t) => now.get(t.id) as TrialResult);
  }
  const results = await store.all();
  const trials = all.map((t) => results.get(t.id) as TrialResult).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { sweep, ran, trials, front: paretoFront(previous, definition.objectives, space.constraints) };
}
