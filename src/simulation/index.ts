export { simulate, SIMULATE_DEFAULTS } from './simulate.js';
export { validateScenario, HYPERPARAM_KEYS } from './validate-scenario.js';
export { maxUpscaleU16 } from './max-upscale.js';
export type { Behaviour, BehaviourPlan, Hyperparams, NormalizedScenario, Quality, Scenario, ScenarioEpoch, SimulateOptions, SimulationResult, Variant } from './types.js';
export { copierGain, dividendsPer1000Tao, incentiveShare } from './metrics.js';
export { CATALOGUE } from './catalogue.js';
export { relativeDividends, renderReport, toCsv } from './report.js';
