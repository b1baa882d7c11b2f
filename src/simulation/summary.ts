import type { Behaviour } from './behaviours.js';
import { copierGain, incentiveInstability, meanIncentiveShare } from './metrics.js';
import { simulate } from './simulate.js';
import type { Scenario, SimulateOptions, SimulationResult } from './types.js';

/** The metrics of one variant: copier gain per copier, cartel gain, and incentive instability. */
export interface VariantMetrics {
  name: string;
  /** Copier uid → G against the median honest validator, from the copier's start + 5 epochs on. */
  copierGain: Record<number, number>;
  /** Cartel miners' incentive share over their share when the cartel weighs honestly (null without a cartel). */
  cartelGain: number | null;
  /** Mean total-variation distance between consecutive epochs' incentive (0 = stable). */
  incentiveInstability: number;
}

/**
 * The metrics of a scenario run. A cartel's gain needs a second run of the scenario in which the cartel validators
 * weigh honestly (same seed, so the same noise and quality path).
 */
export function scenarioMetrics(scenario: Scenario, result: SimulationResult, options?: SimulateOptions): VariantMetrics[] {
  const behaviours: Behaviour[] = scenario.behaviours ?? [];
  const honest = behaviours.filter((b) => b.type === 'honest').flatMap((b) => b.uids);
  const copiers = behaviours.filter((b): b is Extract<Behaviour, { type: 'copier' }> => b.type === 'copier');
  const cartels = behaviours.filter((b): b is Extract<Behaviour, { type: 'cartel' }> => b.type === 'cartel');
  const cartelMiners = [...new Set(cartels.flatMap((b) => b.miners))];
  let baseline: SimulationResult | null = null;
  if (cartels.length > 0) {
    const fair = behaviours.map((b): Behaviour => (b.type === 'cartel' ? { type: 'honest', uids: b.uids, noise: b.noise } : b));
    baseline = simulate({ ...scenario, behaviours: fair }, { mode: options?.mode });
  }
  return result.variants.map((v, k) => {
    const gains: Record<number, number> = {};
    for (const c of copiers) for (const uid of c.uids) gains[uid] = copierGain(v.epochs, scenario.stake, uid, honest, (c.start ?? 0) + 5);
    const base = baseline?.variants[k]?.epochs;
    return {
      name: v.name,
      copierGain: gains,
      cartelGain: base === undefined ? null : meanIncentiveShare(v.epochs, cartelMiners, 5) / meanIncentiveShare(base, cartelMiners, 5),
      incentiveInstability: incentiveInstability(v.epochs),
    };
  });
}
