import { InvalidInputError } from '../errors/index.js';
import type { SparseRow } from '../yuma/index.js';
import { readInt, readU64, validateEpochInput } from '../yuma/index.js';
import { validateBehaviours } from './behaviours.js';
import type { Hyperparams, NormalizedScenario, Variant } from './types.js';

/*
 * Validation of a scenario (contracts/scenario.md). Every rule names the place that breaks it (`epochs[3].weights["7"][2]`),
 * so that a long scenario file can be fixed without guessing.
 */

type Obj = Record<string, unknown>;

/** The EpochInput fields a scenario's `hyperparams` or a variant may set. */
export const HYPERPARAM_KEYS: ReadonlySet<string> = new Set([
  'tempo', 'activityCutoffFactorMilli', 'activityCutoff', 'stakeThreshold', 'ownerUid', 'maxAllowedValidators', 'kappa',
  'bondsPenalty', 'bondsMovingAverage', 'yuma3', 'liquidAlpha', 'alphaLow', 'alphaHigh', 'alphaSigmoidSteepness',
  'lastMechanismStepBlock', 'commitRevealEnabled', 'raoEmission', 'winnerTakesAll',
]);

const SCENARIO_KEYS: ReadonlySet<string> = new Set([
  'name', 'description', 'n', 'validators', 'stake', 'hyperparams', 'variants', 'warmupEmptyEpoch', 'blocks', 'epochs',
  'epochCount', 'behaviours', 'quality', 'seed',
]);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stakes(v: unknown, path: string, n: number): bigint[] {
  if (!Array.isArray(v)) throw new InvalidInputError(path, `expected an array of ${n} stakes in rao`);
  if (v.length !== n) throw new InvalidInputError(path, `expected ${n} stakes (one per uid, n = ${n}), got ${v.length}`);
  return v.map((s, i) => readU64(s, `${path}[${i}]`));
}

/** Hyperparameters checked key by key, then by the EpochInput rules on a probe input. */
function hyperparams(v: unknown, path: string, n: number, base: Hyperparams, allowName: boolean): Hyperparams {
  if (!isObj(v)) throw new InvalidInputError(path, 'expected an object of EpochInput hyperparameters');
  for (const key of Object.keys(v)) {
    if (key === 'name' && allowName) continue;
    if (!HYPERPARAM_KEYS.has(key)) {
      throw new InvalidInputError(`${path}.${key}`, `is not a hyperparameter (expected one of ${[...HYPERPARAM_KEYS].join(', ')})`);
    }
  }
  const own = Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'name'));
  const probe = {
    ...base, ...own, n, block: 0, stake: new Array<number>(n).fill(0), lastUpdate: new Array<number>(n).fill(0),
    blockAtRegistration: new Array<number>(n).fill(0), validatorPermit: new Array<boolean>(n).fill(false),
    weights: Array.from({ length: n }, () => []), bonds: Array.from({ length: n }, () => []),
  };
  validateEpochInput(probe, `${path}.`);
  return { ...base, ...own } as Hyperparams;
}

function weightRow(v: unknown, path: string, n: number): SparseRow {
  if (!Array.isArray(v)) throw new InvalidInputError(path, 'expected a sparse row: an array of [uid, u16] pairs');
  const seen = new Set<number>();
  return v.map((pair, k) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new InvalidInputError(`${path}[${k}]`, 'expected a [uid, u16] pair');
    const uid = readInt(pair[0], `${path}[${k}][0]`, 0, n - 1);
    if (seen.has(uid)) throw new InvalidInputError(`${path}[${k}][0]`, `uid ${uid} appears twice in the row (the chain refuses duplicate uids)`);
    seen.add(uid);
    return [uid, readInt(pair[1], `${path}[${k}][1]`, 0, 65535)];
  });
}

/** Validates a scenario and applies its defaults (one variant "default", blocks (k+1)·(tempo+1)). */
export function validateScenario(raw: unknown): NormalizedScenario {
  if (!isObj(raw)) throw new InvalidInputError('', 'expected a scenario object');
  for (const key of Object.keys(raw)) {
    if (!SCENARIO_KEYS.has(key)) throw new InvalidInputError(key, `is not a scenario field (expected one of ${[...SCENARIO_KEYS].join(', ')})`);
  }
  if (raw.n === undefined) throw new InvalidInputError('n', 'is required');
  const n = readInt(raw.n, 'n', 1, 65535);
  if (raw.stake === undefined) throw new InvalidInputError('stake', 'is required');
  const stake = stakes(raw.stake, 'stake', n);
  if (raw.name !== undefined && typeof raw.name !== 'string') throw new InvalidInputError('name', 'expected a string');
  if (raw.validators !== undefined) {
    if (!Array.isArray(raw.validators)) throw new InvalidInputError('validators', 'expected an array of uids');
    raw.validators.forEach((u, i) => readInt(u, `validators[${i}]`, 0, n - 1));
  }
  const base = raw.hyperparams === undefined ? {} : hyperparams(raw.hyperparams, 'hyperparams', n, {}, false);
  let variants: Variant[] = [{ name: 'default' }];
  if (raw.variants !== undefined) {
    if (!Array.isArray(raw.variants) || raw.variants.length === 0) throw new InvalidInputError('variants', 'expected a non-empty array of variants');
    const names = new Set<string>();
    variants = raw.variants.map((v, i) => {
      const path = `variants[${i}]`;
      if (!isObj(v) || typeof v.name !== 'string' || v.name === '') throw new InvalidInputError(`${path}.name`, 'expected a non-empty name');
      if (names.has(v.name)) throw new InvalidInputError(`${path}.name`, `"${v.name}" names two variants`);
      names.add(v.name);
      return { ...hyperparams(v, path, n, base, true), name: v.name };
    });
  }
  const warmup = raw.warmupEmptyEpoch === undefined ? false : raw.warmupEmptyEpoch;
  if (typeof warmup !== 'boolean') throw new InvalidInputError('warmupEmptyEpoch', 'expected true or false');
  if (raw.epochs === undefined) throw new InvalidInputError('epochs', 'is required');
  if (!Array.isArray(raw.epochs)) throw new InvalidInputError('epochs', 'expected an array of epochs');
  const epochs = raw.epochs.map((e, i) => {
    const path = `epochs[${i}]`;
    if (!isObj(e)) throw new InvalidInputError(path, 'expected an epoch object ({} for an epoch without new weights)');
    for (const key of Object.keys(e)) {
      if (key !== 'weights' && key !== 'stake' && key !== 'register') throw new InvalidInputError(`${path}.${key}`, 'is not an epoch field (expected weights, stake or register)');
    }
    const weights = new Map<number, SparseRow>();
    if (e.weights !== undefined) {
      if (!isObj(e.weights)) throw new InvalidInputError(`${path}.weights`, 'expected an object mapping uids to sparse rows');
      for (const [key, row] of Object.entries(e.weights)) {
        const rowPath = `${path}.weights["${key}"]`;
        if (!/^[0-9]+$/.test(key)) throw new InvalidInputError(rowPath, 'expected a uid as the key');
        weights.set(readInt(Number(key), rowPath, 0, n - 1), weightRow(row, rowPath, n));
      }
    }
    let register: number[] = [];
    if (e.register !== undefined) {
      if (!Array.isArray(e.register)) throw new InvalidInputError(`${path}.register`, 'expected an array of uids that re-register before this epoch');
      register = e.register.map((u, k) => readInt(u, `${path}.register[${k}]`, 0, n - 1));
    }
    return { weights, stake: e.stake === undefined ? null : stakes(e.stake, `${path}.stake`, n), register };
  });
  if (raw.epochCount !== undefined) {
    const count = readInt(raw.epochCount, 'epochCount', epochs.length, 100_000);
    while (epochs.length < count) epochs.push({ weights: new Map(), stake: null, register: [] });
  }
  const plan = validateBehaviours(raw, n);
  const runs = epochs.length + (warmup ? 1 : 0);
  let blocks: number[];
  if (raw.blocks !== undefined) {
    if (!Array.isArray(raw.blocks) || raw.blocks.length !== runs) {
      throw new InvalidInputError('blocks', `expected ${runs} blocks (one per run${warmup ? ', the warm-up included' : ''})`);
    }
    blocks = raw.blocks.map((b, i) => readInt(b, `blocks[${i}]`, 1, Number.MAX_SAFE_INTEGER));
    blocks.forEach((b, i) => {
      if (i > 0 && b <= (blocks[i - 1] as number)) throw new InvalidInputError(`blocks[${i}]`, 'blocks must increase from run to run');
    });
  } else {
    // Every variant runs at the same blocks: the tempo is the scenario's.
    const tempo = base.tempo ?? 360;
    blocks = Array.from({ length: runs }, (_, k) => (k + 1) * (tempo + 1));
  }
  return { name: typeof raw.name === 'string' ? raw.name : 'scenario', n, stake, hyperparams: base, variants, warmup, blocks, epochs, plan };
}
