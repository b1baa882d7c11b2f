import { Prng } from '../random/index.js';
import type { Scenario } from './types.js';

/*
 * The built-in scenarios (`yumaval simulate --list`). The yuma-simulation cases use its three validators (stakes 0.8,
 * 0.1, 0.1 of 1000 TAO) and two servers, with subtensor's Yuma3 test hyperparameters; they are compared under
 * original Yuma, Yuma3 and Yuma3 with liquid alpha. The copier and cartel cases use behaviours.
 */

type Row = Array<[number, number]>;
const S1: Row = [[3, 65535], [4, 0]];
const S2: Row = [[3, 0], [4, 65535]];
const TAO = 1_000_000_000;

const VARIANTS = [
  { name: 'original', yuma3: false, liquidAlpha: false },
  { name: 'yuma3', yuma3: true, liquidAlpha: false },
  { name: 'yuma3-liquid-alpha', yuma3: true, liquidAlpha: true },
];

/** A three-validator, two-server case from per-epoch rows of validators A, B, C (S1 or S2). */
function threeValidators(name: string, description: string, plan: Array<[Row, Row, Row]>): Scenario {
  return {
    name, description, n: 5, validators: [0, 1, 2],
    stake: [800 * TAO, 100 * TAO, 100 * TAO, 0, 0],
    hyperparams: {
      kappa: 32767, bondsPenalty: 65535, bondsMovingAverage: 975000, alphaLow: 6553, alphaHigh: 19660,
      alphaSigmoidSteepness: 1000, maxAllowedValidators: 3,
    },
    variants: VARIANTS,
    warmupEmptyEpoch: true,
    epochs: plan.map(([a, b, c]) => ({ weights: { 0: a, 1: b, 2: c } })),
  };
}

/** A three-server case: the servers' u16 weights per validator row. */
function rowOf(values: number[]): Row {
  const max = Math.max(...values);
  return values.map((v, k): [number, number] => [3 + k, max > 0 ? Math.round((v / max) * 65535) : 0]);
}

/** Big validator moves second; a stable miner (server 0) keeps `share` of every row while the others migrate 1 → 2. */
function stableMiner(share: number): Scenario {
  const before = rowOf([share, 1 - share, 0]), after = rowOf([share, 0, 1 - share]);
  const sc = threeValidators(
    `stable-miner-${share}`, `three servers; server 0 keeps ${share} of every row while B (epoch 1), A (2) and C (3) move from server 1 to server 2`,
    Array.from({ length: 40 }, (_, e) => [e >= 2 ? after : before, e >= 1 ? after : before, e >= 3 ? after : before] as [Row, Row, Row]),
  );
  return { ...sc, n: 6, stake: [800 * TAO, 100 * TAO, 100 * TAO, 0, 0, 0] };
}

/** `count` epochs where the validators switch from S1 to S2 at the given epochs (A, B, C). */
function switching(name: string, description: string, switchAt: [number, number, number], count = 40): Scenario {
  return threeValidators(
    name, description,
    Array.from({ length: count }, (_, e) => switchAt.map((at) => (e >= at ? S2 : S1)) as [Row, Row, Row]),
  );
}

/**
 * 40 epochs where A, B and C move from S1 to S2 at the epochs `go` and back to S1 at the epochs `back`, with server 1
 * (uid 3) re-registered just before epoch `resetAt`.
 */
function twoMigrations(name: string, description: string, go: [number, number, number], back: [number, number, number], resetAt: number): Scenario {
  const sc = threeValidators(name, description,
    Array.from({ length: 40 }, (_, e) => go.map((at, v) => (e >= (back[v] as number) ? S1 : e >= at ? S2 : S1)) as [Row, Row, Row]));
  sc.epochs[resetAt] = { ...sc.epochs[resetAt], register: [3] };
  return sc;
}

/**
 * Winner-take-all (yuma-simulation cases 19-22): three validators score `servers` servers of close true performance
 * with seeded Gaussian noise (the first validator less noisy). Client-side, each validator puts its whole row on its
 * argmax; server-side, the rows stay proportional and the variants give the whole incentive to the top-ranked server.
 */
function winnerTakesAll(side: 'client' | 'server', servers: 2 | 3): Scenario {
  const perf = servers === 2 ? [0.6, 0.55] : [0.3, 0.35, 0.4];
  const noise = servers === 2 ? [0.05, 0.15, 0.15] : [0.05, 0.1, 0.1];
  const stake = servers === 2 ? [490, 490, 20] : [340, 330, 330];
  const rng = new Prng(42);
  const plan = Array.from({ length: 40 }, () => noise.map((sd) => {
    const scores = perf.map((p) => Math.min(1, Math.max(0, p + sd * rng.normal())));
    if (side === 'server') return rowOf(scores);
    const best = scores.indexOf(Math.max(...scores));
    return scores.map((_, k): [number, number] => [3 + k, k === best ? 65535 : 0]);
  }) as [Row, Row, Row]);
  const name = `wta-${side}-${servers}-servers`;
  const sc = threeValidators(name, side === 'client'
    ? `${servers} servers of close quality (${perf.join(', ')}); each validator weighs only its noisy argmax (client-side winner-take-all)`
    : `${servers} servers of close quality (${perf.join(', ')}); proportional noisy weights, and the epoch gives the whole incentive to the top-ranked server (server-side winner-take-all, simulation-only)`,
  plan);
  return {
    ...sc, n: 3 + servers,
    stake: [...stake.map((t) => t * TAO), ...new Array<number>(servers).fill(0)],
    variants: side === 'server' ? VARIANTS.map((v) => ({ ...v, winnerTakesAll: true })) : VARIANTS,
  };
}

/** A copier of the consensus with lag d among eight honest validators; miners' quality drifts. */
function copier(lag: number): Scenario {
  const n = 24, honest = [0, 1, 2, 3, 4, 5, 6, 7];
  const miners = Array.from({ length: 15 }, (_, k) => 9 + k);
  return {
    name: `copier-lag-${lag}`,
    description: `uid 8 copies the consensus published ${lag} epoch(s) earlier from epoch 20 on (honest before); 8 honest validators; quality drifts 20% per epoch`,
    n, validators: [...honest, 8],
    stake: Array.from({ length: n }, (_, i) => (i <= 8 ? String((10_000 + i * 1500) * TAO) : '0')),
    hyperparams: { maxAllowedValidators: 9, bondsPenalty: 65535 },
    variants: VARIANTS,
    warmupEmptyEpoch: true,
    epochs: [],
    epochCount: 60,
    seed: 7,
    quality: { miners, values: miners.map((_, k) => 1 + k), drift: 0.2 },
    behaviours: [{ type: 'honest', uids: honest, noise: 0.05 }, { type: 'copier', uids: [8], lag, start: 20 }],
  };
}

/** A cartel holding `share` of the validators' stake that weighs its own two miners to the top. */
function cartel(share: number): Scenario {
  const n = 30, validators = Array.from({ length: 10 }, (_, i) => i);
  const cartelSize = Math.round(share * 10);
  const miners = Array.from({ length: 20 }, (_, k) => 10 + k);
  return {
    name: `cartel-${Math.round(share * 100)}`,
    description: `validators 0..${cartelSize - 1} (${Math.round(share * 100)}% of stake) boost miners 10 and 11; the rest weigh quality`,
    n, validators,
    stake: Array.from({ length: n }, (_, i) => (i < 10 ? String(10_000 * TAO) : '0')),
    hyperparams: { maxAllowedValidators: 10 },
    variants: VARIANTS,
    warmupEmptyEpoch: true,
    epochs: [],
    epochCount: 30,
    seed: 11,
    quality: { miners, values: miners.map((_, k) => 1 + (k % 7)), drift: 0.05 },
    behaviours: [
      ...(cartelSize > 0 ? [{ type: 'cartel' as const, uids: validators.slice(0, cartelSize), miners: [10, 11] }] : []),
      { type: 'honest' as const, uids: validators.slice(cartelSize) },
    ],
  };
}

/** Ten honest validators; the operator of miner 10 adds `count` sybil miners that serve the same answers. */
function sybils(count: number): Scenario {
  const n = 40, validators = Array.from({ length: 10 }, (_, i) => i);
  const miners = Array.from({ length: 30 }, (_, k) => 10 + k);
  return {
    name: `sybil-${count}`,
    description: `miner 10's operator runs ${count} sybil miners (uids 11..${10 + count}) serving its answers; 10 honest validators`,
    n, validators,
    stake: Array.from({ length: n }, (_, i) => (i < 10 ? String(10_000 * TAO) : '0')),
    hyperparams: { maxAllowedValidators: 10 },
    variants: VARIANTS,
    warmupEmptyEpoch: true,
    epochs: [],
    epochCount: 20,
    seed: 5,
    quality: { miners, values: miners.map((_, k) => 1 + (k % 5)), drift: 0.02 },
    behaviours: [
      { type: 'honest', uids: validators },
      ...(count > 0 ? [{ type: 'sybil' as const, uids: Array.from({ length: count }, (_, k) => 11 + k), of: 10 }] : []),
    ],
  };
}

/** Every built-in scenario by name. */
export const CATALOGUE: ReadonlyMap<string, () => Scenario> = new Map<string, () => Scenario>([
  ['kappa-moves-first', () => switching('kappa-moves-first', 'big validator A switches S1 to S2 at epoch 1, B at 2, C at 3', [1, 2, 3])],
  ['kappa-moves-second', () => switching('kappa-moves-second', 'B switches first (epoch 1), A second (2), C last (3)', [2, 1, 3])],
  ['kappa-moves-third', () => switching('kappa-moves-third', 'B at epoch 1, C at 2, A last at 3', [3, 1, 2])],
  ['all-validators-switch', () => switching('all-validators-switch', 'everyone switches S1 to S2 at epoch 1', [1, 1, 1])],
  ['kappa-delayed', () => switching('kappa-delayed', 'B and C switch at epoch 1; A stays on S1 until epoch 10 (late validator)', [10, 1, 1])],
  ['kappa-moves-second-then-third', () => twoMigrations('kappa-moves-second-then-third', 'two migrations (S1 to S2 at epochs 1-3, back at 21-23, A moving second then third) with server 1 re-registered at epoch 20', [2, 1, 3], [23, 21, 22], 20)],
  ['kappa-moves-second-then-all-switch', () => twoMigrations('kappa-moves-second-then-all-switch', 'S1 to S2 with B at 1, A at 2, C at 3; server 1 re-registers at epoch 21 and everyone returns to it', [2, 1, 3], [21, 21, 21], 21)],
  ['big-validator-lags-twice', () => twoMigrations('big-validator-lags-twice', 'B and C switch S1 to S2 at epoch 1 and back at 21; A (0.8) follows one epoch late both times, like a lazy copier; server 1 re-registers at 20', [2, 1, 1], [22, 21, 21], 20)],
  ['late-movers-both-ways', () => twoMigrations('late-movers-both-ways', 'B and C switch S1 to S2 at epoch 1 and A (0.8) at 2; server 1 re-registers at 21, when C alone moves back; A and B follow at 22', [2, 1, 1], [22, 22, 21], 21)],
  ['residual-weight', () => {
    const sc = switching('residual-weight', 'everyone switches S1 to S2 at epoch 1, but C keeps a 0.001 weight on S1 to hold its bonds there (bond squatting)', [1, 1, 1]);
    sc.epochs = sc.epochs.map((ep, e) => (e >= 1 ? { weights: { ...ep.weights, 2: [[3, 66], [4, 65535]] } } : ep));
    return sc;
  }],
  ['clipping-demo', () => ({
    ...threeValidators('clipping-demo', 'stakes .49/.49/.02 with fractional weights (A .6/.4, B .4/.6, C .5/.5): no single kappa holder, the median clips A and B',
      Array.from({ length: 40 }, () => [[[3, 65535], [4, 43690]], [[3, 43690], [4, 65535]], [[3, 65535], [4, 65535]]] as [Row, Row, Row])),
    stake: [490 * TAO, 490 * TAO, 20 * TAO, 0, 0],
  })],
  ['persistent-disagreement', () => threeValidators('persistent-disagreement', 'A (0.8) weighs S2 and B, C weigh S1, for 40 epochs', Array.from({ length: 40 }, () => [S2, S1, S1] as [Row, Row, Row]))],
  ['one-epoch-switch', () => ({
    ...threeValidators('one-epoch-switch', 'equal stakes; everyone on S1, C deviates to S2 for epoch 20 only', Array.from({ length: 40 }, (_, e) => [S1, S1, e === 20 ? S2 : S1] as [Row, Row, Row])),
    stake: [330 * TAO, 330 * TAO, 340 * TAO, 0, 0],
  })],
  ['small-validators-merged', () => {
    const sc = threeValidators('small-validators-merged', 'constant weights on S1; at epoch 5 C\'s stake moves to B ([.8,.1,.1] to [.8,.2,0])', Array.from({ length: 40 }, () => [S1, S1, S1] as [Row, Row, Row]));
    sc.epochs[5] = { ...sc.epochs[5], stake: [800 * TAO, 200 * TAO, 0, 0, 0] };
    return sc;
  }],
  ['stable-miner-0.25', () => stableMiner(0.25)],
  ['stable-miner-0.5', () => stableMiner(0.5)],
  ['stable-miner-0.75', () => stableMiner(0.75)],
  ['stable-miner-0.9', () => stableMiner(0.9)],
  ['wta-client-2-servers', () => winnerTakesAll('client', 2)],
  ['wta-server-2-servers', () => winnerTakesAll('server', 2)],
  ['wta-client-3-servers', () => winnerTakesAll('client', 3)],
  ['wta-server-3-servers', () => winnerTakesAll('server', 3)],
  ['copier-lag-1', () => copier(1)],
  ['copier-lag-2', () => copier(2)],
  ['copier-lag-3', () => copier(3)],
  ['sybil-0', () => sybils(0)],
  ['sybil-4', () => sybils(4)],
  ['cartel-10', () => cartel(0.1)],
  ['cartel-20', () => cartel(0.2)],
  ['cartel-40', () => cartel(0.4)],
]);
