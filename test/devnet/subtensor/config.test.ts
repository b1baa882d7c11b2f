import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors/index.js';
import { SUBNET_DEFAULTS, validateSubtensorConfig } from '../../../src/devnet/subtensor/index.js';
import { account } from './harness.js';

// The devnet config file (contracts/devnet.md), validated key by key: each error names its place.

const BOB_SS58 = account('//Bob').address;
const contractExample = {
  subnets: [{
    netuid: 1, tempo: 10, commitRevealEnabled: false, weightsSetRateLimit: 5, minAllowedWeights: 1, maxAllowedValidators: 64,
    weightsVersionKey: 0, kappa: 32767, yuma3: true, liquidAlpha: false,
    neurons: [
      { hotkey: '//Alice', coldkey: '//Alice//stash', stake: '1000000000000', permit: true, axon: { ip: '127.0.0.1', port: 8091 } },
      { hotkey: BOB_SS58, stake: 0 },
    ],
  }],
};

function errorOf(config: unknown): InvalidInputError {
  try {
    validateSubtensorConfig(config);
  } catch (err) {
    if (err instanceof InvalidInputError) return err;
    throw err;
  }
  throw new Error('the config was accepted');
}

const withSubnet = (extra: Record<string, unknown>, neurons: unknown[] = [{ hotkey: '//Alice' }]): unknown => ({ subnets: [{ netuid: 1, neurons, ...extra }] });

describe('validateSubtensorConfig', () => {
  it('accepts the contract\'s example and applies the defaults', () => {
    const { subnets } = validateSubtensorConfig(contractExample);
    const s = subnets[0]!;
    expect(s).toMatchObject({
      netuid: 1, tempo: 10, weightsSetRateLimit: 5n, minAllowedWeights: 1, yuma3: true, revealPeriodEpochs: 1n,
      bondsPenalty: SUBNET_DEFAULTS.bondsPenalty, maxWeightsLimit: 65535, maxAllowedUids: 256,
      // 13889 per mille of tempo 10, in whole blocks.
      activityCutoff: 138, activityCutoffFactorMilli: 13_889, raoEmission: '1000000000', stakeThreshold: null, ownerUid: null,
    });
    const [alice, bob] = s.neurons;
    expect(alice).toMatchObject({ stake: 1_000_000_000_000n, permit: true, axon: { ip: 2130706433n, ipType: 4, port: 8091, protocol: 4, version: 0 } });
    expect(alice?.hotkey).toEqual({ ...account('//Alice'), uri: '//Alice' });
    expect(alice?.coldkey.address).toBe(account('//Alice//stash').address);
    // An SS58 hotkey; the coldkey defaults to it.
    expect(bob).toMatchObject({ stake: 0n, permit: false, axon: null });
    expect(bob?.hotkey).toEqual({ ...account('//Bob'), uri: null });
    expect(bob?.coldkey).toEqual(bob?.hotkey);
  });

  it('reads IPv6 axons as their 128-bit value', () => {
    const ip = (addr: string): unknown => validateSubtensorConfig(withSubnet({}, [{ hotkey: '//Alice', axon: { ip: addr, port: 1 } }])).subnets[0]!.neurons[0]!.axon;
    expect(ip('::1')).toMatchObject({ ip: 1n, ipType: 6 });
    expect(ip('2001:db8::ff00:42:8329')).toMatchObject({ ip: 0x20010db8000000000000ff0000428329n, ipType: 6 });
    expect(ip('::ffff:10.0.0.1')).toMatchObject({ ip: 0xffff0a000001n, ipType: 6 });
  });

  const refusals: Array<[string, unknown, string, RegExp]> = [
    ['a document that is not an object', [], '', /expected a config object/],
    ['an unknown top-level key', { subnets: [], chain: 1 }, 'chain', /not a config field/],
    ['a missing netuid', { subnets: [{ neurons: [] }] }, 'subnets[0].netuid', /is required/],
    ['the root netuid', { subnets: [{ netuid: 0 }] }, 'subnets[0].netuid', /1\.\.65535/],
    ['a misspelt key', withSubnet({ tempoo: 3 }), 'subnets[0].tempoo', /not a subnet field/],
    ['a simulation-only field', withSubnet({ winnerTakesAll: true }), 'subnets[0].winnerTakesAll', /simulation feature/],
    ['chain state given as config', withSubnet({ lastMechanismStepBlock: 3 }), 'subnets[0].lastMechanismStepBlock', /chain state/],
    ['a u16 out of range', withSubnet({ kappa: 70000 }), 'subnets[0].kappa', /0\.\.65535/],
    ['a reveal period of 0', withSubnet({ revealPeriodEpochs: 0 }), 'subnets[0].revealPeriodEpochs', /1\.\.100/],
    ['a hotkey that is neither URI nor address', withSubnet({}, [{ hotkey: '//Alice' }, { hotkey: '//Bob' }, { hotkey: 'nope' }]), 'subnets[0].neurons[2].hotkey', /neither a dev URI/],
    ['a missing hotkey', withSubnet({}, [{ stake: 1 }]), 'subnets[0].neurons[0].hotkey', /is required/],
    ['a negative stake', withSubnet({}, [{ hotkey: '//Alice', stake: -1 }]), 'subnets[0].neurons[0].stake', /integer in 0\.\./],
    ['a fractional stake', withSubnet({}, [{ hotkey: '//Alice', stake: '1.5' }]), 'subnets[0].neurons[0].stake', /integer/],
    ['a bad axon address', withSubnet({}, [{ hotkey: '//Alice', axon: { ip: '300.1.1.1', port: 1 } }]), 'subnets[0].neurons[0].axon.ip', /IPv4 or IPv6/],
    ['an axon without port', withSubnet({}, [{ hotkey: '//Alice', axon: { ip: '10.0.0.1' } }]), 'subnets[0].neurons[0].axon.port', /is required/],
    ['an unknown neuron key', withSubnet({}, [{ hotkey: '//Alice', uid: 3 }]), 'subnets[0].neurons[0].uid', /not a neuron field/],
    ['a hotkey twice in a subnet', withSubnet({}, [{ hotkey: '//Alice' }, { hotkey: account('//Alice').address }]), 'subnets[0].neurons[1].hotkey', /already uid 0/],
    ['more neurons than MaxAllowedUids', withSubnet({ maxAllowedUids: 1 }, [{ hotkey: '//Alice' }, { hotkey: '//Bob' }]), 'subnets[0].neurons', /maxAllowedUids = 1/],
    ['an owner uid without neuron', withSubnet({ ownerUid: 2 }), 'subnets[0].ownerUid', /0\.\.0/],
    ['a cutoff factor beyond ActivityCutoff', withSubnet({ tempo: 65535, activityCutoffFactorMilli: 50_000 }), 'subnets[0].activityCutoffFactorMilli', /u16/],
    ['a netuid twice', { subnets: [{ netuid: 3 }, { netuid: 3 }] }, 'subnets[1].netuid', /already subnets\[0\]/],
    ['two owners of one hotkey', { subnets: [{ netuid: 1, neurons: [{ hotkey: '//Alice' }] }, { netuid: 2, neurons: [{ hotkey: '//Alice', coldkey: '//Bob' }] }] }, 'subnets[1].neurons[0].coldkey', /one owner/],
    ['two stake thresholds', { subnets: [{ netuid: 1, stakeThreshold: 1 }, { netuid: 2, stakeThreshold: 2 }] }, 'subnets[1].stakeThreshold', /global/],
  ];
  for (const [what, config, path, message] of refusals) {
    it(`refuses ${what}, naming ${path === '' ? 'the document' : path}`, () => {
      const err = errorOf(config);
      expect(err.code).toBe('ERR_INVALID_INPUT');
      expect(err.path).toBe(path);
      expect(err.message).toMatch(message);
    });
  }
});
