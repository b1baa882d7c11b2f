import { encodeAddress } from '@polkadot/util-crypto';
import type { Snapshot } from '../../src/replay/index.js';
import { epochInputOf, simulateRuns } from '../../src/simulation/index.js';
import type { Behaviour, Scenario } from '../../src/simulation/index.js';

/*
 * Planted histories for the audit (issue 19, "Done means" 1): the simulator's behaviours with fixed seeds, turned into
 * the replay archive's snapshots, with the ground truth of who does what. Shared by test/audit and bench/audit.
 * Copier, self-dealing and honest cases: 8 honest validators (uids 0..7) and a ninth validator (uid 8) that copies, self-deals or is honest,
 * 15 miners (uids 9..23) whose quality drifts, 60 epochs (the behaviour starts at epoch 20).
 */

const TAO = 1_000_000_000;

/** The planted cases. */
export type PlantedCase =
  | { kind: 'copier'; lag: number; commitReveal?: boolean }
  | { kind: 'cartel'; share: number }
  | { kind: 'honest-20' }
  | { kind: 'self-dealing' }
  | { kind: 'honest' };

/** A planted history and its truth. */
export interface Planted {
  snapshots: Snapshot[];
  /** The validators that copy / self-deal (empty for all-honest). */
  guilty: number[];
  /** Every validator uid. */
  validators: number[];
  /** The self-dealer's own miners (same coldkey). */
  ownMiners: number[];
  /** The cartel's favoured miners. */
  favoured?: number[];
}

/** A distinct, well-formed SS58 address per key index. */
export function address(k: number): string {
  const bytes = new Uint8Array(32);
  bytes[0] = 0x5a;
  bytes[1] = k & 0xff;
  bytes[2] = (k >> 8) & 0xff;
  return encodeAddress(bytes, 42);
}

/** The cartel cases' members, in the order they join as the share grows (spread over the uids, not a prefix). */
export const CARTEL_ORDER = [3, 11, 16, 7, 0, 14, 9, 18, 5, 12, 1, 19];
/** The miners a planted cartel favours (mid-quality, so the favour is against the consensus). */
export const CARTEL_MINERS = [24, 31];

/**
 * The cartel cases: 20 validators of equal stake (uids 0..19), 20 miners (20..39) whose quality drifts, a cartel of
 * share × 20 validators that boosts two miners to the top of its rows (the simulator's cartel behaviour: each member
 * still measures the rest with its own noise). `honest-20` is the same subnet with no cartel.
 */
function cartelScenario(share: number, seed: number, epochs: number, drift: number): Scenario {
  const n = 40, validators = Array.from({ length: 20 }, (_, i) => i);
  const members = CARTEL_ORDER.slice(0, Math.round(share * 20));
  const miners = Array.from({ length: 20 }, (_, k) => 20 + k);
  const honest = validators.filter((v) => !members.includes(v));
  return {
    name: `planted-cartel-${Math.round(share * 100)}`,
    n, validators,
    stake: Array.from({ length: n }, (_, i) => (i < 20 ? String(10_000 * TAO) : '0')),
    hyperparams: { maxAllowedValidators: 20 },
    warmupEmptyEpoch: true,
    epochs: [],
    epochCount: epochs,
    seed,
    quality: { miners, values: miners.map((_, k) => 1 + k), drift },
    behaviours: [{ type: 'honest', uids: honest, noise: 0.05 }, ...(members.length > 0 ? [{ type: 'cartel', uids: members, miners: CARTEL_MINERS, noise: 0.05 }] : [])],
  } as Scenario;
}

/** The scenario of a case with a seed. */
export function plantedScenario(c: PlantedCase, seed: number, epochs = 60, drift = 0.2): Scenario {
  if (c.kind === 'cartel') return cartelScenario(c.share, seed, epochs, drift);
  if (c.kind === 'honest-20') return cartelScenario(0, seed, epochs, drift);
  const n = 24, honest = [0, 1, 2, 3, 4, 5, 6, 7];
  const miners = Array.from({ length: 15 }, (_, k) => 9 + k);
  const nine: Behaviour =
    c.kind === 'copier' ? { type: 'copier', uids: [8], lag: c.lag, start: 20 }
      : c.kind === 'self-dealing' ? { type: 'cartel', uids: [8], miners: [9, 10] }
        : { type: 'honest', uids: [8], noise: 0.05 };
  const hyper: Record<string, unknown> = { maxAllowedValidators: 9 };
  if (c.kind === 'copier' && c.commitReveal === true) hyper['commitRevealEnabled'] = true;
  return {
    name: `planted-${c.kind}`,
    n, validators: [...honest, 8],
    stake: Array.from({ length: n }, (_, i) => (i <= 8 ? String((10_000 + i * 1500) * TAO) : '0')),
    hyperparams: hyper,
    warmupEmptyEpoch: true,
    epochs: [],
    epochCount: epochs,
    seed,
    quality: { miners, values: miners.map((_, k) => 1 + k), drift },
    behaviours: [{ type: 'honest', uids: honest, noise: 0.05 }, nine],
  } as Scenario;
}

/** Runs a case with a seed (exact engine) and returns its snapshots and truth; `drift` 0 makes a stable subnet. */
export function planted(c: PlantedCase, seed: number, epochs = 60, drift = 0.2): Planted {
  const snapshots: Snapshot[] = [];
  const n = c.kind === 'cartel' || c.kind === 'honest-20' ? 40 : 24;
  const hotkeys = Array.from({ length: n }, (_, u) => address(1000 + u));
  // Every uid its own coldkey, except the self-dealer's miners 9 and 10, which share uid 8's.
  const coldkeys = Array.from({ length: n }, (_, u) => address(c.kind === 'self-dealing' && (u === 9 || u === 10) ? 8 : u));
  for (const ev of simulateRuns(plantedScenario(c, seed, epochs, drift), { mode: 'exact', fields: ['consensus'] })) {
    if (ev.kind !== 'epoch') continue;
    const input = epochInputOf(ev.input);
    snapshots.push({ netuid: 0, block: input.block, input, output: null, hotkeys, coldkeys });
  }
  if (c.kind === 'cartel' || c.kind === 'honest-20') {
    const members = c.kind === 'cartel' ? CARTEL_ORDER.slice(0, Math.round(c.share * 20)).sort((a, b) => a - b) : [];
    return { snapshots, guilty: members, validators: Array.from({ length: 20 }, (_, i) => i), ownMiners: [], favoured: c.kind === 'cartel' ? CARTEL_MINERS : [] };
  }
  return {
    snapshots,
    guilty: c.kind === 'honest' ? [] : [8],
    validators: [0, 1, 2, 3, 4, 5, 6, 7, 8],
    ownMiners: c.kind === 'self-dealing' ? [9, 10] : [],
  };
}
