import { HYPERPARAM_KEYS } from '../simulation/index.js';
import type { Behaviour, Scenario } from '../simulation/index.js';
import type { ParamValues } from './params.js';
import type { CopierSpec, NewcomerSpec } from './space.js';
import type { ScenarioSource, TuneSource } from './sources.js';
import { archiveRoles, DEFAULT_MAX_VALIDATORS, medianStake } from './archive-run.js';

/*
 * One trial's scenario: the source's, with the trial's consensus parameters as its only variant, cut to the epoch
 * budget, with the injected copier appended as a new uid and the newcomer re-registered. It is an ordinary scenario,
 * so `yumaval simulate` runs it and gives the same epochs (test/tune/evaluate.test.ts checks that).
 */

/** Who is who in a trial scenario. */
export interface Roles {
  honest: number[];
  /** The copier whose gain is measured: the injected one, else the source's first copier, else null. */
  copier: number | null;
  cartelMiners: number[];
}

/** A trial's scenario and its roles. */
export interface TrialScenario {
  scenario: Scenario;
  roles: Roles;
}

/** The honest validators, the copiers and the cartels of a source, before any injection. */
export function sourceRoles(source: TuneSource): Roles {
  if (source.kind === 'archive') return archiveRoles(source);
  const sc = source.scenario;
  const behaviours: Behaviour[] = sc.behaviours ?? [];
  const dishonest = new Set(behaviours.filter((b) => b.type !== 'honest' && b.type !== 'sybil').flatMap((b) => b.uids));
  let honest: number[];
  if (behaviours.some((b) => b.type === 'honest')) honest = behaviours.filter((b) => b.type === 'honest').flatMap((b) => b.uids);
  else if (source.truth?.honest !== undefined) honest = source.truth.honest.slice();
  else if (sc.validators !== undefined) honest = sc.validators.slice();
  else honest = sc.stake.map((s, u) => [BigInt(s), u] as const).filter(([s]) => s > 0n).map(([, u]) => u);
  const copier = behaviours.find((b) => b.type === 'copier');
  return {
    honest: honest.filter((u) => !dishonest.has(u)),
    copier: copier === undefined ? null : (copier.uids[0] as number),
    cartelMiners: [...new Set([...behaviours.flatMap((b) => (b.type === 'cartel' ? b.miners : [])), ...(source.truth?.cartelMiners ?? [])])],
  };
}

/** Epochs listed or produced by a scenario. */
function epochCount(sc: Scenario): number {
  return Math.max(sc.epochs.length, sc.epochCount ?? 0);
}

/** The scenario cut to its first `count` epochs. */
function cut(sc: Scenario, count: number): Scenario {
  const total = epochCount(sc);
  if (count >= total) return sc;
  const out: Scenario = { ...sc, epochs: sc.epochs.slice(0, count) };
  if (sc.epochCount !== undefined) out.epochCount = count;
  if (sc.blocks !== undefined) out.blocks = sc.blocks.slice(0, count + (sc.warmupEmptyEpoch === true ? 1 : 0));
  return out;
}

/**
 * Builds a trial's scenario.
 * @param settings the space's fixed values and the trial's parameters (consensus kind; scoring keys are ignored)
 * @param epochs the epoch budget, or null for the source's own count
 */
export function trialScenario(source: ScenarioSource, settings: ParamValues | Record<string, unknown>, copier: CopierSpec | null, newcomer: NewcomerSpec | null, epochs: number | null): TrialScenario {
  // A shallow copy: nothing below changes the source's nested arrays or objects, it replaces them.
  const base: Scenario = { ...source.scenario };
  const roles = sourceRoles(source);
  let sc: Scenario = epochs === null ? base : cut(base, epochs);
  const hyper: Record<string, unknown> = { ...(sc.hyperparams ?? {}) };
  for (const [k, v] of Object.entries(settings)) if (HYPERPARAM_KEYS.has(k)) hyper[k] = v;
  delete sc.variants;
  if (copier !== null) {
    const uid = sc.n;
    const stake = copier.stake === 'median' ? medianStake(roles.honest.map((h) => BigInt(sc.stake[h] ?? 0))) : copier.stake;
    const period = typeof settings.commitRevealPeriod === 'number' ? settings.commitRevealPeriod : 0;
    const lag = copier.lag + period;
    // The copier is one more validator: it gets a permit of its own rather than taking an honest validator's, unless
    // the trial sets the number of permits itself.
    if (!Object.prototype.hasOwnProperty.call(settings, 'maxAllowedValidators')) {
      hyper.maxAllowedValidators = Math.min(65535, (typeof hyper.maxAllowedValidators === 'number' ? hyper.maxAllowedValidators : DEFAULT_MAX_VALIDATORS) + 1);
    }
    const behaviour: Behaviour = { type: 'copier', uids: [uid], lag, start: copier.start };
    const hadBehaviours = sc.behaviours !== undefined;
    sc = {
      ...sc,
      n: sc.n + 1,
      stake: [...sc.stake, stake.toString()],
      epochs: sc.epochs.map((e) => (e.stake === undefined ? e : { ...e, stake: [...e.stake, stake.toString()] })),
      ...(sc.validators === undefined ? {} : { validators: [...sc.validators, uid] }),
      behaviours: [...(sc.behaviours ?? []), behaviour],
    };
    // A scenario of explicit rows has no quality; the copier needs only the list of uids it may weigh: the miners,
    // the uids without stake.
    if (!hadBehaviours) {
      const miners = base.stake.map((s, u) => [BigInt(s), u] as const).filter(([s]) => s === 0n).map(([, u]) => u);
      const list = miners.length > 0 ? miners : base.stake.map((_, u) => u);
      sc.quality = { miners: list, values: list.map(() => 1), drift: 0 };
    }
    roles.copier = uid;
  }
  if (newcomer !== null && newcomer.at < epochCount(sc)) {
    const list = sc.epochs.slice();
    while (list.length <= newcomer.at) list.push({});
    const at = list[newcomer.at] ?? {};
    list[newcomer.at] = { ...at, register: [...new Set([...(at.register ?? []), newcomer.uid])] };
    sc = { ...sc, epochs: list };
  }
  sc.hyperparams = hyper as Scenario['hyperparams'];
  return { scenario: sc, roles };
}

/** The same trial scenario with the newcomer never re-registered (its fair share's counterfactual). */
export function withoutNewcomer(sc: Scenario, newcomer: NewcomerSpec): Scenario {
  return { ...sc, epochs: sc.epochs.map((e, i) => (i === newcomer.at && e.register !== undefined ? { ...e, register: e.register.filter((u) => u !== newcomer.uid) } : e)) };
}

/** The same trial scenario with every cartel member weighing honestly (the cartel gain's counterfactual). */
export function withHonestCartel(sc: Scenario): Scenario | null {
  const behaviours = sc.behaviours ?? [];
  if (!behaviours.some((b) => b.type === 'cartel')) return null;
  return { ...sc, behaviours: behaviours.map((b): Behaviour => (b.type === 'cartel' ? { type: 'honest', uids: b.uids, noise: b.noise } : b)) };
}
