import { InvalidInputError } from '../errors/index.js';
import { describeValue } from '../errors/index.js';
import { HYPERPARAM_KEYS } from '../simulation/index.js';
import { OBJECTIVE_NAMES } from './objective-defs.js';
import { PARAM_NAMES, PARAMS, type ParamDef, type ParamValue } from './params.js';

/*
 * SPACE.json (docs/tune.md): the parameters a sweep varies, each with its values or its range, and what every trial
 * shares (fixed values, the baseline, the injected copier, the newcomer, the constraints). Checked key by key: a
 * misspelt parameter would otherwise silently keep its default in every trial, and the sweep would answer a question
 * nobody asked.
 */

/** A parameter given by its values. */
export interface ValuesDim {
  name: string;
  values: ParamValue[];
}

/** A parameter given by its range (sampled, or cut into `steps` grid points). */
export interface RangeDim {
  name: string;
  min: number;
  max: number;
  scale: 'linear' | 'log';
  integer: boolean;
  /** Grid points when the search is a grid (default 5). */
  steps: number;
}

/** One dimension of the space. */
export type Dim = ValuesDim | RangeDim;

/** The copier injected into every source (Opentensor's weight-copy procedure). */
export interface CopierSpec {
  /** Its stake in rao, or the median honest validator's. */
  stake: 'median' | bigint;
  /** It copies the consensus published `lag` epochs before the current one (commitRevealPeriod adds to it). */
  lag: number;
  /** The epoch it starts copying from (honest before: it holds bonds like the others when it starts). */
  start: number;
}

/** A good miner re-registered at epoch `at`, whose catch-up `newcomerEpochs` measures. */
export interface NewcomerSpec {
  uid: number;
  at: number;
  /** The fraction of its fair share it must reach (default 0.9). */
  reach: number;
}

/** A bound on an objective: trials outside it are infeasible and stay off the front. */
export interface Constraint {
  min?: number;
  max?: number;
}

/** A checked space. */
export interface Space {
  dims: Dim[];
  /** Values every trial and the baseline share (EpochInput hyperparameters or scoring parameters). */
  fixed: Record<string, unknown>;
  /** The baseline parameter set, over `fixed` (honestDividends compares with it). */
  baseline: Record<string, unknown>;
  copier: CopierSpec | null;
  newcomer: NewcomerSpec | null;
  constraints: Record<string, Constraint>;
  /** Run this many epochs of each source (null: the source's own count). */
  epochs: number | null;
}

type Obj = Record<string, unknown>;

const SPACE_KEYS = ['params', 'fixed', 'baseline', 'copier', 'newcomer', 'constraints', 'epochs'] as const;
const RANGE_KEYS = new Set(['min', 'max', 'scale', 'integer', 'steps']);
const MAX_GRID_STEPS = 1000;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks one value against its parameter's type and range; returns it. */
export function checkParamValue(def: ParamDef, v: unknown, path: string): ParamValue {
  if (def.type === 'choice') {
    const choices = def.choices ?? [];
    if (typeof v !== 'string' || !choices.includes(v)) throw new InvalidInputError(path, `expected one of ${choices.map((c) => `"${c}"`).join(', ')}, got ${describeValue(v)}`);
    return v;
  }
  if (def.type === 'bool') {
    if (typeof v !== 'boolean') throw new InvalidInputError(path, `expected true or false, got ${describeValue(v)}`);
    return v;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidInputError(path, `expected a number, got ${describeValue(v)}`);
  if (def.type === 'int' && !Number.isInteger(v)) throw new InvalidInputError(path, `expected an integer, got ${v}`);
  if (v < def.min || v > def.max) throw new InvalidInputError(path, `expected a value in ${def.min}..${def.max}, got ${v}`);
  return v;
}

function dim(name: string, raw: unknown, path: string): Dim {
  const def = PARAMS[name] as ParamDef;
  if (!isObj(raw)) throw new InvalidInputError(path, 'expected { "values": [...] } or { "min", "max", "scale", "integer", "steps" }');
  if (raw.values !== undefined) {
    const extra = Object.keys(raw).filter((k) => k !== 'values');
    if (extra.length > 0) throw new InvalidInputError(`${path}.${extra[0]}`, 'is not allowed next to "values"');
    if (!Array.isArray(raw.values) || raw.values.length === 0) throw new InvalidInputError(`${path}.values`, 'expected a non-empty array');
    const values = raw.values.map((v, i) => checkParamValue(def, v, `${path}.values[${i}]`));
    if (new Set(values).size !== values.length) throw new InvalidInputError(`${path}.values`, 'lists a value twice');
    return { name, values };
  }
  for (const key of Object.keys(raw)) {
    if (!RANGE_KEYS.has(key)) throw new InvalidInputError(`${path}.${key}`, `is not a range field (expected values, or ${[...RANGE_KEYS].join(', ')})`);
  }
  if (def.type === 'bool') throw new InvalidInputError(path, 'a boolean parameter takes { "values": [false, true] }');
  if (def.type === 'choice') throw new InvalidInputError(path, `${name} takes { "values": [${(def.choices ?? []).map((c) => `"${c}"`).join(', ')}] }`);
  if (raw.min === undefined || raw.max === undefined) throw new InvalidInputError(path, 'a range needs both min and max');
  const min = checkParamValue(def, raw.min, `${path}.min`) as number;
  const max = checkParamValue(def, raw.max, `${path}.max`) as number;
  if (!(max > min)) throw new InvalidInputError(`${path}.max`, `must be above min (${min}), got ${max}`);
  const scale = raw.scale ?? 'linear';
  if (scale !== 'linear' && scale !== 'log') throw new InvalidInputError(`${path}.scale`, `expected "linear" or "log", got ${describeValue(scale)}`);
  if (scale === 'log' && !(min > 0)) throw new InvalidInputError(`${path}.min`, `a log scale needs min > 0, got ${min}`);
  const integer = raw.integer ?? def.type === 'int';
  if (typeof integer !== 'boolean') throw new InvalidInputError(`${path}.integer`, `expected true or false, got ${describeValue(integer)}`);
  if (def.type === 'int' && !integer) throw new InvalidInputError(`${path}.integer`, `${name} takes integers only`);
  const steps = raw.steps ?? 5;
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 2 || steps > MAX_GRID_STEPS) {
    throw new InvalidInputError(`${path}.steps`, `expected an integer in 2..${MAX_GRID_STEPS}, got ${describeValue(steps)}`);
  }
  return { name, min, max, scale, integer, steps };
}

function settings(raw: unknown, path: string): Record<string, unknown> {
  if (raw === undefined) return {};
  if (!isObj(raw)) throw new InvalidInputError(path, 'expected an object of parameter values');
  for (const [key, v] of Object.entries(raw)) {
    const def = PARAMS[key];
    if (def !== undefined) checkParamValue(def, v, `${path}.${key}`);
    else if (!HYPERPARAM_KEYS.has(key)) {
      throw new InvalidInputError(`${path}.${key}`, `is not a parameter (expected one of ${[...new Set([...PARAM_NAMES, ...HYPERPARAM_KEYS])].join(', ')})`);
    }
  }
  return { ...raw };
}

function intIn(v: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidInputError(path, `expected an integer in ${min}..${max}, got ${describeValue(v)}`);
  return v;
}

function copier(raw: unknown): CopierSpec | null {
  if (raw === undefined || raw === null) return null;
  if (!isObj(raw)) throw new InvalidInputError('copier', 'expected { "stake": "median" | rao, "lag": epochs, "start": epoch }');
  for (const key of Object.keys(raw)) {
    if (key !== 'stake' && key !== 'lag' && key !== 'start') throw new InvalidInputError(`copier.${key}`, 'is not a copier field (expected stake, lag, start)');
  }
  let stake: 'median' | bigint = 'median';
  if (raw.stake !== undefined && raw.stake !== 'median') {
    const s = raw.stake;
    const ok = (typeof s === 'number' && Number.isSafeInteger(s) && s > 0) || (typeof s === 'string' && /^[1-9][0-9]{0,19}$/.test(s));
    if (!ok) throw new InvalidInputError('copier.stake', `expected "median" or a stake in rao (a positive integer or decimal string), got ${describeValue(s)}`);
    stake = BigInt(s as number | string);
  }
  return { stake, lag: intIn(raw.lag, 'copier.lag', 1, 1000, 1), start: intIn(raw.start, 'copier.start', 0, 100_000, 0) };
}

function newcomer(raw: unknown): NewcomerSpec | null {
  if (raw === undefined || raw === null) return null;
  if (!isObj(raw)) throw new InvalidInputError('newcomer', 'expected { "uid": miner uid, "at": epoch, "reach": fraction }');
  for (const key of Object.keys(raw)) {
    if (key !== 'uid' && key !== 'at' && key !== 'reach') throw new InvalidInputError(`newcomer.${key}`, 'is not a newcomer field (expected uid, at, reach)');
  }
  const reach = raw.reach ?? 0.9;
  if (typeof reach !== 'number' || !(reach > 0 && reach <= 1)) throw new InvalidInputError('newcomer.reach', `expected a fraction in (0, 1], got ${describeValue(reach)}`);
  return { uid: intIn(raw.uid, 'newcomer.uid', 0, 65535), at: intIn(raw.at, 'newcomer.at', 1, 100_000), reach };
}

function constraints(raw: unknown): Record<string, Constraint> {
  if (raw === undefined) return {};
  if (!isObj(raw)) throw new InvalidInputError('constraints', 'expected { objective: { "min"?, "max"? } }');
  const out: Record<string, Constraint> = {};
  for (const [name, c] of Object.entries(raw)) {
    const path = `constraints.${name}`;
    if (!OBJECTIVE_NAMES.includes(name)) throw new InvalidInputError(path, `is not an objective (expected one of ${OBJECTIVE_NAMES.join(', ')})`);
    if (!isObj(c)) throw new InvalidInputError(path, 'expected { "min"?: number, "max"?: number }');
    const bound: Constraint = {};
    for (const [k, v] of Object.entries(c)) {
      if (k !== 'min' && k !== 'max') throw new InvalidInputError(`${path}.${k}`, 'expected min or max');
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidInputError(`${path}.${k}`, `expected a number, got ${describeValue(v)}`);
      bound[k] = v;
    }
    out[name] = bound;
  }
  return out;
}

/** Checks a SPACE.json document key by key (InvalidInputError naming the place on any fault). */
export function validateSpace(raw: unknown): Space {
  if (!isObj(raw)) throw new InvalidInputError('', 'expected a space object: { "params": { name: { "values": [...] } | { "min", "max" } } }');
  for (const key of Object.keys(raw)) {
    if (!(SPACE_KEYS as readonly string[]).includes(key)) throw new InvalidInputError(key, `is not a space field (expected one of ${SPACE_KEYS.join(', ')})`);
  }
  if (!isObj(raw.params) || Object.keys(raw.params).length === 0) throw new InvalidInputError('params', 'expected an object naming at least one parameter');
  const dims = Object.entries(raw.params).map(([name, spec]) => {
    if (PARAMS[name] === undefined) throw new InvalidInputError(`params.${name}`, `is not a tunable parameter (expected one of ${PARAM_NAMES.join(', ')})`);
    return dim(name, spec, `params.${name}`);
  });
  const kinds = new Set(dims.map((d) => (PARAMS[d.name] as ParamDef).kind));
  if (kinds.size > 1) throw new InvalidInputError('params', 'mixes consensus and scoring parameters: sweep them separately (a trial runs one kind of evaluation)');
  const space: Space = {
    dims,
    fixed: settings(raw.fixed, 'fixed'),
    baseline: settings(raw.baseline, 'baseline'),
    copier: copier(raw.copier),
    newcomer: newcomer(raw.newcomer),
    constraints: constraints(raw.constraints),
    epochs: raw.epochs === undefined ? null : intIn(raw.epochs, 'epochs', 1, 100_000),
  };
  // τ only acts in the redundancy-aware model: a sweep of it under the default 2022 model would give every trial the
  // same values and look like a finding ("τ does not matter").
  const onlyRedundancyAware = dims.find((d) => d.name === 'redundancyTolerance' || d.name === 'copyTolerance');
  if (onlyRedundancyAware !== undefined && space.fixed.model !== 'redundancy-aware' && !dims.some((d) => d.name === 'model')) {
    throw new InvalidInputError(`params.${onlyRedundancyAware.name}`, 'acts in the redundancy-aware model only: add "fixed": { "model": "redundancy-aware" } (or sweep "model" too)');
  }
  if (dims.some((d) => d.name === 'commitRevealPeriod') && space.copier === null) {
    throw new InvalidInputError('params.commitRevealPeriod', 'delays the injected copier: give "copier": { "stake": "median", "lag": 1 } too');
  }
  return space;
}

/** The kind of evaluation a space's trials need. */
export function spaceKind(space: Space): 'consensus' | 'scoring' {
  return (PARAMS[(space.dims[0] as Dim).name] as ParamDef).kind;
}
