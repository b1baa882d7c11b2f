import { Prng } from '../random/index.js';
import { runEpoch } from './run-epoch.js';
import type { EpochInput, EpochMode, EpochOutput, SparseRow } from './types.js';

/** The role each validator of the built-in subnet plays. */
export type ExampleRole = 'honest' | 'copier' | 'inactive' | 'uniform';

/** The built-in subnet: who is who, and the miners' hidden quality. */
export interface ExampleSubnet {
  input: EpochInput;
  roles: ExampleRole[];
  quality: number[];
}

/** One epoch of the example: its input, its output and how long the engine took. */
export interface ExampleEpoch {
  epoch: number;
  input: EpochInput;
  output: EpochOutput;
  millis: number;
}

const ROLES: ExampleRole[] = ['honest', 'honest', 'honest', 'honest', 'honest', 'copier', 'inactive', 'uniform'];
const TAO = 1_000_000_000n;

/** Max-upscales non-negative scores to u16 as the chain stores weights (largest = 65535). */
function toStoredWeights(cols: number[], scores: number[]): SparseRow {
  const top = Math.max(...scores, 1e-12);
  return cols.map((j, k) => [j, Math.round((Math.max(0, scores[k] ?? 0) / top) * 65535)]);
}

/** The embedded 48-uid subnet: 8 validators (uids 0..7) and 40 miners, with a fixed seed. */
export function exampleSubnet(seed = 7): ExampleSubnet {
  const n = 48;
  const rng = new Prng(seed);
  const quality = Array.from({ length: n }, (_, j) => (j < ROLES.length ? 0 : 0.1 + rng.next() ** 2));
  const stakeTao = [120_000, 95_000, 80_000, 60_000, 40_000, 70_000, 30_000, 25_000];
  const stake = Array.from({ length: n }, (_, i) => ((i < ROLES.length ? BigInt(stakeTao[i] ?? 0) : BigInt(rng.int(50))) * TAO).toString());
  const input: EpochInput = {
    n,
    block: 7200,
    tempo: 360,
    stake,
    lastUpdate: Array.from({ length: n }, () => 0),
    blockAtRegistration: Array.from({ length: n }, (_, i) => (i < ROLES.length ? 100 : 200 + i)),
    validatorPermit: Array.from({ length: n }, () => false),
    weights: Array.from({ length: n }, () => []),
    bonds: Array.from({ length: n }, () => []),
    maxAllowedValidators: 8,
    yuma3: true,
    liquidAlpha: true,
  };
  return { input, roles: [...ROLES], quality };
}

/** Weights of every validator for one epoch, given the last published consensus (u16) for the copier. */
function epochWeights(sub: ExampleSubnet, rng: Prng, lastConsensus: number[] | null): SparseRow[] {
  const n = sub.input.n;
  const miners = Array.from({ length: n - ROLES.length }, (_, k) => k + ROLES.length);
  return Array.from({ length: n }, (_, i): SparseRow => {
    const role = sub.roles[i];
    if (role === undefined) return [];
    if (role === 'copier') {
      return lastConsensus === null ? [] : toStoredWeights(miners, miners.map((j) => lastConsensus[j] ?? 0));
    }
    if (role === 'uniform') return toStoredWeights(miners, miners.map(() => 1));
    return toStoredWeights(miners, miners.map((j) => (sub.quality[j] ?? 0) * (1 + 0.1 * rng.normal())));
  });
}

/**
 * Runs the example for `epochs` epochs, carrying bonds, permits and last-update blocks from each epoch to the next
 * as the chain does. The inactive validator set weights once, long ago, and never again.
 */
export function runExample(epochs: number, mode: EpochMode, seed = 7): { subnet: ExampleSubnet; epochs: ExampleEpoch[] } {
  const sub = exampleSubnet(seed);
  const rng = new Prng(seed + 1);
  let state: EpochInput = { ...sub.input };
  let lastConsensus: number[] | null = null;
  const out: ExampleEpoch[] = [];
  for (let e = 0; e < epochs; e++) {
    const block = sub.input.block + e * (state.tempo ?? 360);
    const weights = epochWeights(sub, rng, lastConsensus);
    const lastUpdate = state.lastUpdate.map((lu, i) => {
      const role = sub.roles[i];
      if (role === undefined || (role === 'copier' && lastConsensus === null)) return lu;
      return role === 'inactive' ? (e === 0 ? 10 : lu) : block - 1;
    });
    const input: EpochInput = { ...state, block, weights: weights.map((r, i) => (sub.roles[i] === 'inactive' && e > 0 ? state.weights[i] ?? [] : r)), lastUpdate };
    const t0 = performance.now();
    const output = runEpoch(input, { mode });
    const millis = performance.now() - t0;
    out.push({ epoch: e, input, output, millis });
    lastConsensus = output.consensus;
    state = { ...input, bonds: output.bonds, validatorPermit: output.validatorPermit };
  }
  return { subnet: sub, epochs: out };
}
