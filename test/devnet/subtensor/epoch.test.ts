import { describe, expect, it } from 'vitest';
import { epochInputAt, isEpochBlock, commitHash } from '../../../src/devnet/subtensor/index.js';
import { runEpoch } from '../../../src/yuma/index.js';
import { account, testNet } from './harness.js';
import type { TestNet } from './harness.js';

// The devnet's epochs: in the block where (block + netuid + 1) % (tempo + 1) == 0, the engine runs on the subnet's
// state and the results land in storage as the chain stores them (issue 6, Done-means 2).

const config = {
  subnets: [
    {
      netuid: 1, tempo: 4, weightsSetRateLimit: 1, raoEmission: '5000000000',
      neurons: [
        { hotkey: '//Alice', coldkey: '//Alice//stash', stake: '3000000000000', permit: true },
        { hotkey: '//Bob', stake: '1000000000000', permit: true },
        { hotkey: '//Charlie' }, { hotkey: '//Dave' }, { hotkey: '//Eve', stake: 5 },
      ],
    },
    {
      netuid: 2, tempo: 6, yuma3: true, liquidAlpha: true, alphaSigmoidSteepness: 700, activityCutoffFactorMilli: 20_000, bondsMovingAverage: 975_000,
      neurons: [
        { hotkey: '//Alice', coldkey: '//Alice//stash', stake: '2000000000000', permit: true },
        { hotkey: '//Ferdie', stake: '1500000000000' },
        { hotkey: '//Charlie' }, { hotkey: '//Dave' },
      ],
    },
  ],
};

const SET = 'subtensorModule.setWeights';
const set = (netuid: number, dests: number[], weights: number[]): Record<string, unknown> => ({ netuid, dests, weights, versionKey: 0 });

/** Checks that what block `b` stored for `netuid` is what runEpoch makes of epochInputAt(b). */
function expectStoredEpoch(net: TestNet, b: number, netuid: number): void {
  const input = epochInputAt(net.chain.state, b, netuid, net.codec);
  const out = runEpoch(input, { mode: 'exact' });
  const s = net.store(b);
  expect(s.nums('incentive', netuid)).toEqual(out.incentive);
  expect(s.nums('dividends', netuid)).toEqual(out.dividends);
  expect(s.nums('consensus', netuid)).toEqual(out.consensus);
  expect(s.nums('validatorTrust', netuid)).toEqual(out.validatorTrust);
  expect(s.nums('stakeWeight', netuid)).toEqual(out.stakeWeight);
  expect(s.nums('emission', netuid).map(String)).toEqual(out.emission);
  expect(s.bools('validatorPermit', netuid)).toEqual(out.validatorPermit);
  expect(s.bools('active', netuid)).toEqual(out.active);
  for (let uid = 0; uid < input.n; uid++) {
    if (out.validatorPermit[uid] === true) expect(s.pairs('bonds', netuid, uid)).toEqual(out.bonds[uid]);
    else if (input.validatorPermit[uid] === true) expect(s.pairs('bonds', netuid, uid)).toEqual([]);
  }
  expect(s.num('lastMechansimStepBlock', netuid)).toBe(b);
  // The emission went into the stakes: each hotkey's total grew by its server and validator emission (the take and
  // the rest are floored separately, so one rao may be lost).
  const before = net.store(b - 1);
  for (let uid = 0; uid < input.n; uid++) {
    const hotkey = s.account('keys', netuid, uid);
    const grew = s.big('totalHotkeyAlpha', hotkey, netuid) - before.big('totalHotkeyAlpha', hotkey, netuid);
    const paid = BigInt(out.serverEmission[uid] as string) + BigInt(out.validatorEmission[uid] as string);
    expect(grew <= paid && grew >= paid - 1n).toBe(true);
  }
}

describe('epoch timing', () => {
  it('runs at (block + netuid + 1) % (tempo + 1) == 0 and counts the blocks in between', () => {
    expect([...Array(30).keys()].filter((b) => isEpochBlock(1, 4, b))).toEqual([3, 8, 13, 18, 23, 28]);
    expect(isEpochBlock(1, 0, 3)).toBe(false);
    const net = testNet(config);
    net.advanceTo(25);
    const steps = [...Array(26).keys()].map((b) => net.store(b).num('lastMechansimStepBlock', 1));
    expect(steps).toEqual([0, 0, 0, 3, 3, 3, 3, 3, 8, 8, 8, 8, 8, 13, 13, 13, 13, 13, 18, 18, 18, 18, 18, 23, 23, 23]);
    expect(net.store(25).num('lastMechansimStepBlock', 2)).toBe(25);
    expect(net.store(7).num('blocksSinceLastStep', 1)).toBe(4);
    expect(net.store(8).num('blocksSinceLastStep', 1)).toBe(0);
    // No event: the chain's epoch deposits none.
    expect([...net.events.values()].flat()).toEqual([]);
  });
});

describe('the stored epoch equals runEpoch on the same snapshot', () => {
  it('original Yuma bonds over several epochs, weights changing in between', () => {
    const net = testNet(config);
    expect(net.callAt(1, '//Alice', SET, set(1, [2, 3, 4], [65535, 30000, 0]))).toBe('ok');
    expect(net.call('//Bob', SET, set(1, [2, 3], [1000, 60000]))).toBe('ok');
    net.advanceTo(3);
    expectStoredEpoch(net, 3, 1);
    expect(net.callAt(5, '//Alice', SET, set(1, [3, 2], [65535, 100]))).toBe('ok');
    for (const b of [8, 13, 18]) {
      net.advanceTo(b);
      expectStoredEpoch(net, b, 1);
    }
    // The carried bonds are real: validators hold non-zero bonds to the miners.
    expect(net.store().pairs('bonds', 1, 0).some(([, v]) => v > 0)).toBe(true);
    expect(net.store().nums('incentive', 1).slice(2).some((v) => v > 0)).toBe(true);
  });

  it('Yuma3 with liquid alpha and the other configuration-only parameters', () => {
    const net = testNet(config);
    expect(net.callAt(1, '//Alice', SET, set(2, [2, 3], [65535, 20000]))).toBe('ok');
    net.advanceTo(4);
    const input = epochInputAt(net.chain.state, 4, 2, net.codec);
    expect(input).toMatchObject({ yuma3: true, liquidAlpha: true, alphaSigmoidSteepness: 700, activityCutoff: 120, tempo: 6, bondsMovingAverage: 975_000 });
    expectStoredEpoch(net, 4, 2);
    expect(net.callAt(6, '//Ferdie', SET, set(2, [1], [1]))).toBe('ok');
    for (const b of [11, 18]) {
      net.advanceTo(b);
      expectStoredEpoch(net, b, 2);
    }
  });
});

describe('the epoch input', () => {
  it('reads stake from TotalHotkeyAlpha, the stored hyperparameters and the state before the block', () => {
    const net = testNet(config);
    net.advanceTo(2);
    const input = epochInputAt(net.chain.state, 3, 1, net.codec);
    expect(input).toMatchObject({
      n: 5, block: 3, stake: ['3000000000000', '1000000000000', '0', '0', '5'], lastUpdate: [0, 0, 0, 0, 0],
      blockAtRegistration: [0, 0, 0, 0, 0], validatorPermit: [true, true, false, false, false], tempo: 4, kappa: 32767,
      bondsPenalty: 65535, bondsMovingAverage: 900_000, maxAllowedValidators: 64, yuma3: false, raoEmission: '5000000000',
      activityCutoff: 55, stakeThreshold: '0', ownerUid: null, lastMechanismStepBlock: 0, commitRevealEnabled: false,
    });
  });

  it('gives each uid its earliest live commit block under commit-reveal', () => {
    const net = testNet({ subnets: [{ netuid: 1, tempo: 4, commitRevealEnabled: true, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: 10, permit: true }, { hotkey: '//Bob' }] }] });
    const alice = account('//Alice').publicKey;
    const hash = commitHash(alice, 1, [1], [1], [1], 0n);
    expect(net.callAt(4, '//Alice', 'subtensorModule.commitWeights', { netuid: 1, commitHash: hash })).toBe('ok');
    expect(epochInputAt(net.chain.state, 8, 1, net.codec).commitBlock).toEqual([4, null]);
    // The commit of epoch 1 (blocks 3–7) expires after epoch 2; in epoch 3 it no longer masks.
    expect(epochInputAt(net.chain.state, 13, 1, net.codec).commitBlock).toEqual([null, null]);
  });
});
