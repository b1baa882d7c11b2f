import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors/index.js';
import { createSubnet, epochInputAt, registerNeuron, stakeOf } from '../../../src/devnet/subtensor/index.js';
import { account, testNet } from './harness.js';

// The genesis the config file gives, read back as a client reads it, and the devnet_ admin calls that write subnets
// and neurons into the block being built.

const config = {
  subnets: [
    {
      netuid: 3, tempo: 10, kappa: 30000, minAllowedWeights: 2, maxAllowedValidators: 8, weightsSetRateLimit: 7, weightsVersionKey: 9,
      commitRevealEnabled: true, revealPeriodEpochs: 2, bondsMovingAverage: 950_000, bondsPenalty: 100, liquidAlpha: true,
      alphaLow: 40000, alphaHigh: 60000, activityCutoff: 300, maxWeightsLimit: 50000, ownerUid: 1, yuma3: true, stakeThreshold: 7,
      neurons: [
        { hotkey: '//Alice', coldkey: '//Alice//stash', stake: '1000000000000', permit: true, axon: { ip: '127.0.0.1', port: 8091 } },
        { hotkey: '//Bob', stake: 250, axon: { ip: '::1', port: 9000, protocol: 0, version: 7 } },
        { hotkey: '//Charlie' },
      ],
    },
    { netuid: 1, neurons: [{ hotkey: '//Alice', coldkey: '//Alice//stash', stake: 5 }] },
  ],
};

const alice = account('//Alice').publicKey;
const aliceStash = account('//Alice//stash').publicKey;
const bob = account('//Bob').publicKey;

describe('subtensorGenesis', () => {
  it('writes the subnet\'s parameters where spec 233 keeps them', () => {
    const s = testNet(config).store(0);
    expect(s.num('totalNetworks')).toBe(2);
    expect([s.bool('networksAdded', 3), s.bool('networksAdded', 1), s.bool('networksAdded', 2)]).toEqual([true, true, false]);
    const items: Record<string, unknown> = {
      subnetworkN: 3, tempo: 10, kappa: 30000, minAllowedWeights: 2, maxAllowedValidators: 8, weightsSetRateLimit: 7,
      weightsVersionKey: 9, commitRevealWeightsEnabled: true, revealPeriodEpochs: 2, bondsMovingAverage: 950_000, bondsPenalty: 100,
      liquidAlphaOn: true, alphaValues: [40000, 60000], activityCutoff: 300, maxWeightsLimit: 50000, maxAllowedUids: 256,
    };
    for (const [item, value] of Object.entries(items)) expect([item, s.get(item, 3).toJSON()]).toEqual([item, value]);
    expect(s.big('stakeThreshold')).toBe(7n);
    expect(s.account('subnetOwnerHotkey', 3)).toBe(bob);
    expect(s.account('subnetOwner', 3)).toBe(bob);
    // A subnet given no parameters has the chain's defaults for a new subnet, written explicitly.
    expect([s.num('tempo', 1), s.num('minAllowedWeights', 1), s.num('maxAllowedValidators', 1), s.num('bondsPenalty', 1), s.num('activityCutoff', 1)])
      .toEqual([360, 1, 64, 65535, 5000]);
  });

  it('registers the neurons at block 0 as append_neuron does', () => {
    const s = testNet(config).store(0);
    expect([0, 1, 2].map((uid) => s.account('keys', 3, uid))).toEqual([alice, bob, account('//Charlie').publicKey]);
    expect(s.num('uids', 3, bob)).toBe(1);
    expect(s.account('owner', alice)).toBe(aliceStash);
    expect(s.account('owner', bob)).toBe(bob);
    expect(s.accounts('ownedHotkeys', aliceStash)).toEqual([alice]);
    expect(s.bool('isNetworkMember', bob, 3)).toBe(true);
    expect(s.nums('lastUpdate', 3)).toEqual([0, 0, 0]);
    expect(s.bools('validatorPermit', 3)).toEqual([true, false, false]);
    expect(s.bools('active', 3)).toEqual([true, true, true]);
    for (const item of ['rank', 'trust', 'emission', 'consensus', 'incentive', 'dividends', 'pruningScores', 'validatorTrust']) {
      expect([item, s.nums(item, 3)]).toEqual([item, [0, 0, 0]]);
    }
    expect([0, 1, 2].map((uid) => s.num('blockAtRegistration', 3, uid))).toEqual([0, 0, 0]);
    expect(s.get('axons', 3, alice).toJSON()).toEqual({ block: 0, version: 0, ip: 2130706433, port: 8091, ipType: 4, protocol: 4, placeholder1: 0, placeholder2: 0 });
    expect(s.get('axons', 3, bob).toJSON()).toMatchObject({ ip: 1, port: 9000, ipType: 6, protocol: 0, version: 7 });
    expect(s.contains('axons', 3, account('//Charlie').publicKey)).toBe(false);
  });

  it('stakes in the alpha share pool: shares equal to the stake, TotalHotkeyAlpha the total', () => {
    const s = testNet(config).store(0);
    expect(s.big('totalHotkeyAlpha', alice, 3)).toBe(1_000_000_000_000n);
    expect(s.fixedBits('alpha', alice, aliceStash, 3)).toBe(1_000_000_000_000n << 64n);
    expect(s.fixedBits('totalHotkeyShares', alice, 3)).toBe(1_000_000_000_000n << 64n);
    expect(stakeOf(s, alice, aliceStash, 3)).toBe(1_000_000_000_000n);
    expect(stakeOf(s, alice, aliceStash, 1)).toBe(5n);
    expect(stakeOf(s, bob, bob, 3)).toBe(250n);
    expect(s.contains('totalHotkeyAlpha', account('//Charlie').publicKey, 3)).toBe(false);
    expect(s.accounts('stakingHotkeys', aliceStash)).toEqual([alice]);
  });

  it('lists the dev accounts and keeps the configuration-only parameters in the state', () => {
    const net = testNet(config);
    expect(net.genesis.devAccounts.map((a) => a.uri)).toEqual(['//Alice', '//Alice//stash', '//Bob', '//Charlie']);
    expect(net.genesis.devAccounts[2]?.address).toBe(account('//Bob').address);
    net.advanceTo(2);
    // The epoch reads them from the state alone (a devnet resumed from --db has no config).
    expect(epochInputAt(net.chain.state, 3, 3, net.codec)).toMatchObject({ yuma3: true, alphaSigmoidSteepness: 1000, activityCutoffFactorMilli: 13_889, ownerUid: 1, stakeThreshold: '7' });
  });
});

describe('the admin calls', () => {
  it('createSubnet takes the lowest free netuid and registers its neurons in the block being built', () => {
    const net = testNet(config);
    net.advanceTo(4);
    const target = { number: 5, state: net.chain.state };
    const created = createSubnet(target, net.codec, { tempo: 5, neurons: [{ hotkey: '//Dave', stake: 10, permit: true }] });
    expect(created).toEqual({ netuid: 2, neurons: [{ netuid: 2, uid: 0, hotkey: account('//Dave').address, coldkey: account('//Dave').address }] });
    net.advanceTo(5);
    const s = net.store(5);
    expect([s.num('totalNetworks'), s.num('tempo', 2), s.num('subnetworkN', 2), s.num('blockAtRegistration', 2, 0)]).toEqual([3, 5, 1, 5]);
    expect(s.nums('lastUpdate', 2)).toEqual([5]);
    expect(net.store(4).bool('networksAdded', 2)).toBe(false);
  });

  it('registerNeuron appends a uid whose LastUpdate and BlockAtRegistration are the block', () => {
    const net = testNet(config);
    net.advanceTo(6);
    const r = registerNeuron({ number: 7, state: net.chain.state }, net.codec, { netuid: 3, hotkey: '//Eve', coldkey: '//Ferdie', stake: '42', axon: { ip: '10.0.0.2', port: 1 } });
    expect(r).toEqual({ netuid: 3, uid: 3, hotkey: account('//Eve').address, coldkey: account('//Ferdie').address });
    net.advanceTo(7);
    const s = net.store(7);
    const eve = account('//Eve').publicKey;
    expect([s.num('subnetworkN', 3), s.num('uids', 3, eve), s.num('blockAtRegistration', 3, 3)]).toEqual([4, 3, 7]);
    expect(s.nums('lastUpdate', 3)).toEqual([0, 0, 0, 7]);
    expect(s.bools('active', 3)).toHaveLength(4);
    expect(stakeOf(s, eve, account('//Ferdie').publicKey, 3)).toBe(42n);
    expect(s.get('axons', 3, eve).toJSON()).toMatchObject({ block: 7, ip: 0x0a000002 });
  });

  it('refuses bad parameters, naming them', () => {
    const net = testNet(config);
    const target = { number: 1, state: net.chain.state };
    const refusal = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        if (err instanceof InvalidInputError) return err.message;
        throw err;
      }
      return 'accepted';
    };
    expect(refusal(() => createSubnet(target, net.codec, { netuid: 3 }))).toBe('params.netuid: subnet 3 already exists');
    expect(refusal(() => createSubnet(target, net.codec, { netuid: 4, tempo: -1 }))).toMatch(/^params\.tempo: /);
    expect(refusal(() => registerNeuron(target, net.codec, { netuid: 9, hotkey: '//Eve' }))).toBe('params.netuid: subnet 9 does not exist');
    expect(refusal(() => registerNeuron(target, net.codec, { hotkey: '//Eve' }))).toBe('params.netuid: is required');
    expect(refusal(() => registerNeuron(target, net.codec, { netuid: 3, hotkey: '//Bob' }))).toMatch(/^params\.hotkey: .* already uid 1 of subnet 3/);
    expect(refusal(() => registerNeuron(target, net.codec, { netuid: 3, hotkey: '//Bob', coldkey: '//Eve' }))).toMatch(/already uid 1/);
    expect(refusal(() => registerNeuron(target, net.codec, { netuid: 1, hotkey: '//Bob', coldkey: '//Eve' }))).toMatch(/^params\.coldkey: .* owned by another coldkey/);
    // A refusal after some writes (the second neuron's owner conflict) undoes them.
    expect(refusal(() => createSubnet(target, net.codec, { neurons: [{ hotkey: '//Ferdie' }, { hotkey: '//Bob', coldkey: '//Eve' }] })))
      .toMatch(/^params\.neurons\[1\]\.coldkey: /);
    // Nothing was written by the refused calls.
    expect([...net.chain.state.pendingChanges().keys()]).toEqual([]);
  });
});
