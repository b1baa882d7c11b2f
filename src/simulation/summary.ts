import type { Behaviour } from './behaviours.js';
import { copierGain, dividendsPer1000Tao, incentiveInstability, meanIncentiveShare, meanOf, relativeDividends, stakeAt } from './metrics.js';
import { simulateSeries } from './simulate.js';
import type { NormalizedScenario, Scenario, SeriesResult, SimulateOptions, SimulationResult } from './types.js';
import { validateScenario } from './validate-scenario.js';

/** One validator's dividends over a run. */
export interface ValidatorMetrics {
  /** Mean validator emission per 1000 TAO of its stake per epoch, in TAO. */
  dividendsPer1000Tao: number;
  /** Mean of dividend share − stake share (0: paid in proportion to stake). */
  relativeDividends: number;
  /**
   * Mean dividends per 1000 TAO over the same in the honest baseline run, where every late validator, copier and cartel
   * member weighs honestly instead (same seed, so the same quality path and noise). Null without such behaviours.
   */
  vsHonest: number | null;
}

/** The metrics of one variant: per-validator dividends, copier gain per copier, cartel gain, incentive instability. */
export interface VariantMetrics {
  name: string;
  /** uid → dividends of every uid that holds stake in some epoch. */
  validators: Record<number, ValidatorMetrics>;
  /** Copier uid → G against the median honest validator, from the copier's start + 5 epochs on. */
  copierGain: Record<number, number>;
  /** Cartel miners' incentive share over their share in the honest baseline (null without a cartel). */
  cartelGain: number | null;
  /** Mean total-variation distance between consecutive epochs' incentive (0 = stable). */
  incentiveInstability: number;
}

/** The stakes in force at each scenario epoch (stake changes carry forward), as bigints. */
export function stakePath(scenario: unknown): bigint[][] {
  return stakePathOf(validateScenario(scenario));
}

/** `stakePath` of a scenario validated already. */
export function stakePathOf(s: NormalizedScenario): bigint[][] {
  let current = s.stake;
  const count = s.blocks.length - (s.warmup ? 1 : 0);
  return Array.from({ length: count }, (_, e) => (current = s.epochs[e]?.stake ?? current));
}

/** The scenario with every late validator, copier and cartel weighing honestly, or null when it has none. */
export function honestBaseline(scenario: Scenario): Scenario | null {
  const behaviours: Behaviour[] = scenario.behaviours ?? [];
  if (!behaviours.some((b) => b.type === 'late' || b.type === 'copier' || b.type === 'cartel')) return null;
  const fair = behaviours.map((b): Behaviour => (b.type === 'late' || b.type === 'copier' || b.type === 'cartel' ? { type: 'honest', uids: b.uids, noise: b.noise } : b));
  return { ...scenario, behaviours: fair };
}

/**
 * The metrics of a scenario run. Relative dividends against the honest baseline and the cartel's gain need a second
 * run in which the dishonest validators weigh honestly (same seed, so the same noise and quality path).
 */
export function scenarioMetrics(scenario: Scenario, result: SimulationResult | SeriesResult, options?: SimulateOptions): VariantMetrics[] {
  const behaviours: Behaviour[] = scenario.behaviours ?? [];
  const honest = behaviours.filter((b) => b.type === 'honest').flatMap((b) => b.uids);
  const copiers = behaviours.filter((b): b is Extract<Behaviour, { type: 'copier' }> => b.type === 'copier');
  const cartels = behaviours.filter((b): b is Extract<Behaviour, { type: 'cartel' }> => b.type === 'cartel');
  const cartelMiners = [...new Set(cartels.flatMap((b) => b.miners))];
  const fair = honestBaseline(scenario);
  // The baseline keeps series records only: its bonds rows are never read.
  const baseline = fair === null ? null : simulateSeries(fair, { mode: options?.mode });
  const stakes = stakePath(scenario);
  const staked = Array.from({ length: scenario.n }, (_, u) => u).filter((u) => stakes.some((s) => (s[u] as bigint) > 0n));
  const per1000 = (o: Parameters<typeof dividendsPer1000Tao>[0], e: number): number[] => dividendsPer1000Tao(o, stakeAt(stakes, e));
  return result.variants.map((v, k) => {
    const base = baseline?.variants[k]?.epochs;
    const validators: Record<number, ValidatorMetrics> = {};
    for (const u of staked) {
      const d = meanOf(v.epochs, u, per1000);
      validators[u] = {
        dividendsPer1000Tao: d,
        relativeDividends: meanOf(v.epochs, u, relativeDividends),
        vsHonest: base === undefined ? null : d / meanOf(base, u, per1000),
      };
    }
    const gains: Record<number, number> = {};
    for (const c of copiers) for (const uid of c.uids) gains[uid] = copierGain(v.epochs, stakes, uid, honest, (c.start ?? 0) + 5);
    return {
      name: v.name,
      validators,
      copierGain: gains,
      cartelGain: base === undefined || cartels.length === 0 ? null : meanIncentiveShare(v.epochs, cartelMiners, 5) / meanIncentiveShare(base, cartelMiners, 5),
      incentiveInstability: incentiveInstability(v.epochs),
    };
  });
}
