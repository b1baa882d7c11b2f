import { Prng } from '../random/index.js';
import { runEpoch } from './run-epoch.js';
import type { EpochInput, SparseRow } from './types.js';

/** Shape of a synthetic subnet: sizes and the hyperparameters that change the epoch's path. */
export interface SyntheticOptions {
  n: number;
  validators: number;
  /** Weights per validator row; omitted means a weight on every uid (dense rows). */
  weightsPerValidator?: number;
  seed: number;
  yuma3?: boolean;
  liquidAlpha?: boolean;
  /** Run one epoch first and carry its bonds and permits (as a live subnet has them). Default true. */
  previousBonds?: boolean;
  /** 'half' keeps the carried bonds on half the cells (those with i + j even), as after churn. Default 'all'. */
  bondCells?: 'all' | 'half';
}

const TAO = 1_000_000_000n;

/**
 * A reproducible subnet: validators (uids 0..v-1) with large stakes weigh the miners by a hidden quality vector plus
 * noise, stored max-upscaled to u16 as the chain stores weights. Used by benchmarks and tests.
 */
export function syntheticSubnet(opts: SyntheticOptions): EpochInput {
  const { n, validators: v, seed } = opts;
  const rng = new Prng(seed);
  const quality = Array.from({ length: n }, () => 0.05 + rng.next());
  const tempo = 360;
  const block = 10_000;
  const stake: string[] = [];
  for (let i = 0; i < n; i++) {
    const tao = i < v ? 1_000 + Math.floor(rng.next() * 200_000) : Math.floor(rng.next() * 10);
    stake.push((BigInt(tao) * TAO + BigInt(rng.int(1_000_000_000))).toString());
  }
  const weights: SparseRow[] = [];
  for (let i = 0; i < n; i++) {
    if (i >= v) {
      weights.push([]);
      continue;
    }
    const cols = opts.weightsPerValidator === undefined ? Array.from({ length: n }, (_, j) => j) : rng.sample(n, opts.weightsPerValidator);
    const raw = cols.map((j) => Math.max(0, quality[j]! * (1 + 0.15 * rng.normal())));
    const top = Math.max(...raw, 1e-12);
    weights.push(cols.map((j, k) => [j, Math.round((raw[k]! / top) * 65535)]));
  }
  let input: EpochInput = {
    n,
    block,
    tempo,
    stake,
    lastUpdate: Array.from({ length: n }, (_, i) => (i < v ? block - 1 - rng.int(tempo) : 0)),
    blockAtRegistration: Array.from({ length: n }, () => rng.int(1000)),
    validatorPermit: Array.from({ length: n }, (_, i) => i < v),
    weights,
    bonds: Array.from({ length: n }, () => []),
    maxAllowedValidators: v,
    yuma3: opts.yuma3 ?? false,
    liquidAlpha: opts.liquidAlpha ?? false,
  };
  if (opts.previousBonds ?? true) {
    const prev = runEpoch(input, { mode: 'exact' });
    const bonds = opts.bondCells === 'half' ? prev.bonds.map((row, i) => row.filter(([j]) => (i + j) % 2 === 0)) : prev.bonds;
    input = { ...input, bonds, validatorPermit: prev.validatorPermit, block: block + tempo, lastUpdate: input.lastUpdate.map((b, i) => (i < v ? b + tempo : b)) };
  }
  return input;
}
