export { simulate, SIMULATE_DEFAULTS } from './simulate.js';
export { validateScenario, HYPERPARAM_KEYS } from './validate-scenario.js';
export { maxUpscaleU16 } from './max-upscale.js';
export type { Hyperparams, NormalizedScenario, Scenario, ScenarioEpoch, SimulateOptions, SimulationResult, Variant } from './types.js';
