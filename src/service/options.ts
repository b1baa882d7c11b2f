import { InvalidInputError, describeValue } from '../errors/index.js';
import { intIn, numberIn, resolveOptions } from '../options/index.js';
import type { Check } from '../options/index.js';
import { resolveScoringParams, SCORING_DEFAULTS, type ScoringModel, type ScoringParams } from '../scoring/index.js';

/*
 * The validator's config (`yumaval validator --config FILE`, `createValidator({ config })`): frozen defaults, each with
 * where it comes from, merged with the caller's partial config once and checked key by key (the CHECKS table of
 * src/devnet/rpc/options.ts). An unknown key is refused with the list of valid ones: a misspelt `sampleSize` must not
 * silently run with the default. docs/validator.md documents every key.
 */

/** One entry of the task mix: a built-in task, its share of steps, and its options. */
export interface TaskMixEntry {
  /** The task's name: `next-token` or `feature-class` (docs/task.md). */
  name: 'next-token' | 'feature-class';
  /** Its relative share of steps (> 0); a step's queries all come from one task, drawn by these weights. */
  weight: number;
  /** The task's options (createNextTokenTask): they must be the miners' (the same source). */
  options?: Record<string, unknown>;
}

/** The validator's config. */
export interface ValidatorConfig {
  /** The tasks the steps draw from. */
  tasks: TaskMixEntry[];
  /** Miners queried per step (the SDK template's `neuron.sample_size`). */
  sampleSize: number;
  /** Queries sent to each sampled miner per step (the score batch's B). */
  queriesPerStep: number;
  /** Pause between the end of one step and the start of the next, in seconds. */
  stepIntervalSeconds: number;
  /** The deadline of one query to one miner, in seconds (the SDK dendrite's default timeout). */
  queryTimeoutSeconds: number;
  /** The score book's EMA factor α (the template's `neuron.moving_average_alpha`). */
  emaAlpha: number;
  /** The scoring model of every step: `redundancy-aware` or `shapley-2022` (docs/scoring.md). */
  scoringModel: ScoringModel;
  /** redundancy-aware: the neighbourhood tolerance τ, in nats (the scoring parameter `redundancyTolerance`). */
  redundancyTolerance: number;
  /** redundancy-aware: the copy tolerance τ_c, in nats (the scoring parameter `copyTolerance`). */
  copyTolerance: number;
  /** Weights are submitted once per tempo, this many blocks after the subnet's epoch block (0 = the block after it). */
  weightsBlockOffset: number;
  /** Validators with more stake than this (rao) are not queried (the template's `neuron.vpermit_tao_limit`, 4096 TAO). */
  vpermitStakeLimit: string;
  /** Queries of a step in flight at once (each goes to every sampled miner). */
  concurrency: number;
  /** The dendrite's worker threads. */
  dendriteWorkers: number;
  /** Each dendrite worker's V8 young generation in MiB (0: V8's default); bounds the workers' share of RSS. */
  dendriteWorkerYoungGenerationMb: number;
  /** Each dendrite worker's V8 old generation cap in MiB (0: V8's default, no cap). */
  dendriteWorkerOldGenerationMb: number;
  /** The metagraph is read again every this many finalized blocks (and at every tempo boundary). */
  syncEveryBlocks: number;
  /** After a start without stored scores, no weights until this many miners have been scored. */
  minScoredBeforeWeights: number;
  /** The watchdog gives up when no step completed (or no finalized head arrived) for this long, in seconds. */
  stallSeconds: number;
  /** The watchdog gives up when no weights landed for this many blocks (after the warm-up). */
  maxBlocksWithoutWeights: number;
}

/** The defaults, and where each comes from. */
export const VALIDATOR_CONFIG_DEFAULTS: Readonly<ValidatorConfig> = Object.freeze({
  tasks: Object.freeze([Object.freeze({ name: 'next-token' as const, weight: 1 })]) as unknown as TaskMixEntry[],
  // bittensor-subnet-template: neuron.sample_size = 50 (validator-sdk-spec.md §5).
  sampleSize: 50,
  // The 2022 core validator's batch (ValidatorBatchSize) was 8 to 32 sequences; 32 keeps the ranking stable per step.
  queriesPerStep: 32,
  // The template sleeps 5 s after each forward (§5).
  stepIntervalSeconds: 5,
  // The SDK dendrite's default timeout, 12 s (§5: "timeout default 12 s").
  queryTimeoutSeconds: 12,
  // The template's neuron.moving_average_alpha and the 2022 validator's EMA, 0.1 (§5, §6.5).
  emaAlpha: 0.1,
  // The 2022 model, for now (docs/validator.md, docs/scoring.md "Which model a validator should run"): redundancy-aware
  // stops exact copies and cheap noise (a group of four takes 1.01× a lone miner's Yuma3 share, against 2.12×), but a
  // copier adding σ = 0.1 of noise still takes 1.86×, and it pays an honest miner beside a better one ~1/30 of its 2022
  // value (oracle-0.6's Yuma3 share 12.6% → 0.8%): an emission policy, not only a defence, for the operator to choose.
  scoringModel: 'shapley-2022' as ScoringModel,
  // The scorer's own defaults, from the same measurements.
  redundancyTolerance: SCORING_DEFAULTS.redundancyTolerance,
  copyTolerance: SCORING_DEFAULTS.copyTolerance,
  // Right after the epoch: the most time for the call (and under commit-reveal its reveal) before the next one.
  weightsBlockOffset: 0,
  // The template's vpermit_tao_limit = 4096 TAO, in rao.
  vpermitStakeLimit: '4096000000000',
  // Every query of a default step in flight at once: a step then lasts about one query timeout however slow some
  // miners are (the dendrite caps requests in flight at 1,024 by itself).
  concurrency: 32,
  // The reference machine has 2 cores.
  dendriteWorkers: 2,
  // The dendrite's own default (DENDRITE_DEFAULTS.workerYoungGenerationMb): measured in docs/validator.md, "Cost".
  dendriteWorkerYoungGenerationMb: 16,
  // No cap by default: a capped worker that needs more dies and its queries fail (docs/validator.md, "Cost").
  dendriteWorkerOldGenerationMb: 0,
  // The template's epoch_length, 100 blocks, as the resync cadence (§5: should_sync_metagraph).
  syncEveryBlocks: 100,
  // Enough miners for the SDK processing to have something to weigh on a small subnet.
  minScoredBeforeWeights: 1,
  // Large subnets' watchdogs exit when no batch completed for 80 minutes; a step here takes seconds, so 10 minutes.
  stallSeconds: 600,
  // Large subnets' watchdogs exit when block − last_update > 500.
  maxBlocksWithoutWeights: 500,
});

const secondsIn = (lo: number, hi: number): Check => numberIn(lo, hi, { openLow: true, unit: 'seconds' });

const TASK_NAMES = ['next-token', 'feature-class'] as const;

/** A check by the scorer's own rules (resolveScoringParams) of one scoring parameter: its message without the path. */
const scoringParam = (key: 'model' | 'redundancyTolerance' | 'copyTolerance'): Check => (v) => {
  try {
    resolveScoringParams({ [key]: v });
    return null;
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    // "params.model: expected one of ..., got x": the problem alone (the caller names the key and the value).
    return err.message.slice(err.path.length + 2).replace(/, got .*$/s, '');
  }
};

function checkTasks(v: unknown): string | null {
  if (!Array.isArray(v) || v.length === 0) return 'expected a non-empty array of { name, weight, options? }';
  for (let i = 0; i < v.length; i++) {
    const t = v[i] as Record<string, unknown> | null;
    if (t === null || typeof t !== 'object' || Array.isArray(t)) return `[${i}]: expected { name, weight, options? }`;
    for (const k of Object.keys(t)) if (!['name', 'weight', 'options'].includes(k)) return `[${i}].${k}: is not a task mix field (expected name, weight, options)`;
    if (!(TASK_NAMES as readonly unknown[]).includes(t['name'])) return `[${i}].name: expected one of ${TASK_NAMES.join(', ')}, got ${describeValue(t['name'])}`;
    const w = t['weight'];
    if (!(typeof w === 'number' && Number.isFinite(w) && w > 0)) return `[${i}].weight: expected a number > 0, got ${describeValue(w)}`;
    const o = t['options'];
    if (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))) return `[${i}].options: expected an object of task options`;
  }
  return null;
}

const CHECKS: Readonly<Record<keyof ValidatorConfig, Check>> = {
  tasks: checkTasks,
  sampleSize: intIn(1, 65_536),
  // The scorer's MAX_QUERIES.
  queriesPerStep: intIn(1, 65_536),
  stepIntervalSeconds: numberIn(0, 86_400, { unit: 'seconds' }),
  // The dendrite's MAX_TIMEOUT_SECONDS.
  queryTimeoutSeconds: secondsIn(0, 3600),
  emaAlpha: numberIn(0, 1, { openLow: true }),
  scoringModel: scoringParam('model'),
  redundancyTolerance: scoringParam('redundancyTolerance'),
  copyTolerance: scoringParam('copyTolerance'),
  weightsBlockOffset: intIn(0, 65_535),
  vpermitStakeLimit: (v) => (typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) < 1n << 64n ? null : 'expected rao as a decimal string (a u64)'),
  concurrency: intIn(1, 1024),
  dendriteWorkers: intIn(1, 64),
  dendriteWorkerYoungGenerationMb: intIn(0, 1024),
  dendriteWorkerOldGenerationMb: intIn(0, 65_536),
  syncEveryBlocks: intIn(1, 1_000_000),
  minScoredBeforeWeights: intIn(0, 65_536),
  stallSeconds: secondsIn(0, 86_400 * 7),
  maxBlocksWithoutWeights: intIn(1, 10_000_000),
};

/** Every config key, in the order of docs/validator.md. */
export const VALIDATOR_CONFIG_KEYS = Object.freeze(Object.keys(CHECKS) as Array<keyof ValidatorConfig>);

/**
 * Merges a caller's partial config with VALIDATOR_CONFIG_DEFAULTS and checks every value (src/options).
 * @param partial the parsed JSON of a config file, or an object of some keys (undefined: all defaults)
 * @param path the name of the document in messages (`config` → `option config.sampleSize: ...`)
 * @throws InvalidOptionError naming the key: an unknown key, a value of the wrong kind or range
 */
export function resolveValidatorConfig(partial: unknown = {}, path = 'config'): ValidatorConfig {
  return resolveOptions({ thing: 'a validator setting', things: 'validator settings', defaults: VALIDATOR_CONFIG_DEFAULTS, checks: CHECKS, freeze: true }, partial, path);
}

/** The scoring parameters of the config's steps: the scorer's defaults, with the config's model, tolerances and α. */
export function scoringParamsOf(config: ValidatorConfig): ScoringParams {
  return {
    ...SCORING_DEFAULTS, emaAlpha: config.emaAlpha,
    model: config.scoringModel, redundancyTolerance: config.redundancyTolerance, copyTolerance: config.copyTolerance,
  };
}
