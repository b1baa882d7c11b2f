import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRuntime } from '../../../src/devnet/runtime.js';
import { weightsTransactionValidity, STAKE_AMOUNT_TOO_LOW } from '../../../src/devnet/subtensor/index.js';
import { maxUpscaleU16 } from '../../../src/simulation/index.js';
import { account, testNet } from './harness.js';

// set_weights on the devnet: spec 233's checks in its order (subnets/weights.rs do_set_weights), each reached by a call
// that would also fail a later check, and the stored max-upscaled row.

const ALICE = '//Alice';
const BOB = '//Bob';
const config = {
  subnets: [
    {
      netuid: 1, tempo: 100, weightsSetRateLimit: 5, minAllowedWeights: 2, weightsVersionKey: 5, stakeThreshold: 1,
      neurons: [
        { hotkey: ALICE, coldkey: '//Alice//stash', stake: '1000000000000', permit: true },
        { hotkey: BOB, stake: 1000 },
        { hotkey: '//Charlie', stake: 1000 },
        { hotkey: '//Dave', stake: 0 },
      ],
    },
    { netuid: 2, tempo: 100, commitRevealEnabled: true, stakeThreshold: 1, neurons: [{ hotkey: ALICE, coldkey: '//Alice//stash', stake: 1000, permit: true }] },
    { netuid: 3, tempo: 100, maxWeightsLimit: 40000, weightsSetRateLimit: 0, neurons: [{ hotkey: ALICE, coldkey: '//Alice//stash', stake: 1000, permit: true }, { hotkey: BOB, stake: 1000 }] },
  ],
};

const set = (netuid: number, dests: number[], weights: number[], versionKey = 5): Record<string, unknown> => ({ netuid, dests, weights, versionKey });
const SET = 'subtensorModule.setWeights';

describe('set_weights checks, in the chain order', () => {
  // Each case fails its check and at least one later one, so a wrong order shows as a different error.
  const cases: Array<{ error: string; signer: string; args: Record<string, unknown>; before?: Array<[string, Record<string, unknown>]> }> = [
    { error: 'CommitRevealEnabled', signer: ALICE, args: set(2, [0, 1], [1]) },
    { error: 'CanNotSetRootNetworkWeights', signer: ALICE, args: set(0, [0, 1], [1]) },
    { error: 'WeightVecNotEqualSize', signer: ALICE, args: set(99, [0, 1], [1]) },
    { error: 'SubNetworkDoesNotExist', signer: '//Eve', args: set(99, [0], [1]) },
    { error: 'UidsLengthExceedUidsInSubNet', signer: '//Eve', args: set(1, [0, 1, 2, 3, 4], [1, 1, 1, 1, 1]) },
    { error: 'HotKeyNotRegisteredInSubNet', signer: '//Eve', args: set(1, [0, 1], [1, 1], 0) },
    { error: 'NotEnoughStakeToSetWeights', signer: '//Dave', args: set(1, [0, 1], [1, 1], 0) },
    { error: 'IncorrectWeightVersionKey', signer: ALICE, args: set(1, [1, 2], [1, 1], 4), before: [[ALICE, set(1, [1, 2], [1, 1])]] },
    { error: 'SettingWeightsTooFast', signer: BOB, args: set(1, [0, 0], [1, 1]), before: [[BOB, set(1, [1], [7])]] },
    { error: 'NeuronNoValidatorPermit', signer: BOB, args: set(1, [0, 0], [1, 1]) },
    { error: 'DuplicateUids', signer: ALICE, args: set(1, [1, 1, 9], [1, 1, 1]) },
    { error: 'UidVecContainInvalidOne', signer: ALICE, args: set(1, [9], [1]) },
    { error: 'WeightVecLengthIsLow', signer: ALICE, args: set(1, [1], [10]) },
    { error: 'MaxWeightExceeded', signer: ALICE, args: set(3, [0, 1], [65535, 1000], 0) },
  ];
  for (const c of cases) {
    it(`fails with ${c.error}`, () => {
      const net = testNet(config);
      for (const [signer, args] of c.before ?? []) expect(net.call(signer, SET, args)).toBe('ok');
      const before = net.store().get('weights', 1, 0).toHex();
      expect(net.call(c.signer, SET, c.args)).toBe(c.error);
      expect(net.store().get('weights', 1, 0).toHex()).toBe(before);
    });
  }

  it('uses only error names the served runtime has', () => {
    const dir = new URL('../../../src/devnet/subtensor/', import.meta.url);
    const names = new Set<string>();
    // timelock-commit.ts runs only on runtimes with timelocked commits (343, 424): its names are checked against those
    // (test/devnet/subtensor/timelock-runtime-facts.test.ts).
    for (const f of readdirSync(dir).filter((name) => name !== 'timelock-commit.ts')) {
      for (const m of readFileSync(new URL(f, dir), 'utf8').matchAll(/fail\((?:[^']*\? )?'(\w+)'(?: : '(\w+)')?\)/g)) {
        names.add(m[1] as string);
        if (m[2] !== undefined) names.add(m[2]);
      }
    }
    expect(names.size).toBe(22);
    const errors = loadRuntime().decorated.errors.subtensorModule ?? {};
    expect([...names].filter((n) => errors[n] === undefined)).toEqual([]);
  });
});

describe('set_weights success', () => {
  it('stores the row max-upscaled with order and zeros kept, sets LastUpdate to the block and deposits WeightsSet', () => {
    const net = testNet(config);
    expect(net.callAt(7, ALICE, SET, set(1, [2, 0, 1, 3], [1, 3, 0, 2]))).toBe('ok');
    expect(net.store().pairs('weights', 1, 0)).toEqual([[2, 21845], [0, 65535], [1, 0], [3, 43690]]);
    expect(maxUpscaleU16([1, 3, 0, 2])).toEqual([21845, 65535, 0, 43690]);
    expect(net.store().nums('lastUpdate', 1)).toEqual([7, 0, 0, 0]);
    expect(net.events.get(7)).toEqual([{ pallet: 'subtensorModule', method: 'WeightsSet', data: [1, 0] }]);
  });

  it('lets a neuron without a permit set a self-weight, below MinAllowedWeights', () => {
    const net = testNet(config);
    expect(net.call(BOB, SET, set(1, [1], [7]))).toBe('ok');
    expect(net.store().pairs('weights', 1, 1)).toEqual([[1, 65535]]);
  });

  it('accepts a version key above the subnet\'s and any key when WeightsVersionKey is 0', () => {
    const net = testNet(config);
    expect(net.call(ALICE, SET, set(1, [1, 2], [1, 1], 6))).toBe('ok');
    expect(net.call(ALICE, SET, set(3, [0, 1], [1, 1], 0))).toBe('ok');
  });
});

describe('the rate limit', () => {
  it('passes at LastUpdate 0, then needs block − LastUpdate ≥ WeightsSetRateLimit (5)', () => {
    const net = testNet(config);
    expect(net.callAt(10, ALICE, SET, set(1, [1, 2], [1, 1]))).toBe('ok');
    expect(net.callAt(14, ALICE, SET, set(1, [1, 2], [1, 1]))).toBe('SettingWeightsTooFast');
    expect(net.callAt(15, ALICE, SET, set(1, [1, 2], [2, 1]))).toBe('ok');
    expect(net.store().nums('lastUpdate', 1)[0]).toBe(15);
    // A failed call does not move LastUpdate.
    expect(net.callAt(19, ALICE, SET, set(1, [1, 2], [1, 1]))).toBe('SettingWeightsTooFast');
    expect(net.callAt(20, ALICE, SET, set(1, [1, 2], [1, 1]))).toBe('ok');
  });
});

describe('batch_set_weights', () => {
  it('runs every item, then reports each failure with its Module error and completes', () => {
    const net = testNet(config);
    const result = net.call(ALICE, 'subtensorModule.batchSetWeights', {
      netuids: [1, 2, 3], weights: [[[1, 1], [2, 3]], [[0, 1]], [[0, 65535], [1, 1000]]], versionKeys: [5, 0, 0],
    });
    expect(result).toBe('ok');
    const runtime = loadRuntime();
    const index = (name: string): string => `0x${runtime.decorated.errors.subtensorModule![name]!.meta.index.toNumber().toString(16).padStart(2, '0')}000000`;
    const ev = net.events.get(1) ?? [];
    expect(ev.map((e) => e.method)).toEqual(['WeightsSet', 'BatchCompletedWithErrors', 'BatchWeightItemFailed', 'BatchWeightItemFailed', 'BatchWeightsCompleted']);
    expect(ev[2]?.data).toEqual([{ Module: { index: 7, error: index('CommitRevealEnabled') } }]);
    expect(ev[3]?.data).toEqual([{ Module: { index: 7, error: index('MaxWeightExceeded') } }]);
    expect(ev[4]?.data).toEqual([[1, 2, 3], account(ALICE).publicKey]);
    expect(net.store().pairs('weights', 1, 0)).toEqual([[1, 21845], [2, 65535]]);
    // The events encode with the runtime's types.
    for (const e of ev) runtime.registry.createType('RuntimeEvent', { SubtensorModule: { [e.method]: e.data } });
  });

  it('refuses lists of unequal lengths', () => {
    const net = testNet(config);
    expect(net.call(ALICE, 'subtensorModule.batchSetWeights', { netuids: [1], weights: [], versionKeys: [5] })).toBe('InputLengthsUnequal');
  });
});

describe('the signed extension\'s stake screen', () => {
  it('marks weight calls from a hotkey below StakeThreshold as invalid (Custom 1)', () => {
    const net = testNet(config);
    const state = net.chain.state;
    const check = (uri: string, call: string): number | null => weightsTransactionValidity(state, net.codec, state.head, account(uri).publicKey, call, { netuid: 1 });
    expect(check('//Dave', SET)).toBe(STAKE_AMOUNT_TOO_LOW);
    expect(check('//Dave', 'subtensorModule.commitWeights')).toBe(STAKE_AMOUNT_TOO_LOW);
    expect(check(ALICE, SET)).toBeNull();
    expect(check('//Dave', 'subtensorModule.batchSetWeights')).toBeNull();
  });
});
