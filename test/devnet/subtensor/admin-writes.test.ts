import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/errors/index.js';
import { createDevnet } from '../../../src/devnet/node.js';
import { loadRuntime } from '../../../src/devnet/runtime.js';
import { StorageCodec } from '../../../src/devnet/storage-codec.js';
import { epochInputAt, isEpochBlock, SubtensorStore } from '../../../src/devnet/subtensor/index.js';
import { privateKey } from '../../../src/devnet/subtensor/store.js';
import { runEpoch } from '../../../src/yuma/index.js';
import { account } from './harness.js';

/*
 * The admin writes the replay tests use: devnet_replaceNeuron (replace_neuron at spec 233) and
 * devnet_setStorageAfterInitialize (raw writes applied after the next block's epochs).
 */

const NETUID = 1;
const TEMPO = 4; // epochs where (b + 2) % 5 == 0: 3, 8, 13, ...
const config = {
  subnets: [{
    netuid: NETUID, tempo: TEMPO, weightsSetRateLimit: 0,
    neurons: [
      { hotkey: '//Alice', stake: '1000000000000', permit: true },
      { hotkey: '//Bob', stake: '500000000000', permit: true },
      { hotkey: '//Charlie', stake: 0 },
    ],
  }],
};

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
const codec = new StorageCodec(loadRuntime());
const store = (): SubtensorStore => new SubtensorStore(node.state, codec, node.chain.head.number);
const head = (): number => node.chain.head.number;

beforeAll(async () => { node = await createDevnet({ config, blockTimeMs: 0, log: () => {} }); });
afterAll(async () => { await node?.close(); });

function refusal(f: () => unknown): string {
  const before = head();
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(head()).toBe(before);
    return (e as InvalidInputError).path;
  }
  throw new Error('expected a refusal');
}

describe('devnet_replaceNeuron', () => {
  it('gives an existing uid to a new hotkey, registered in that block, keeping the uid\'s weights', () => {
    node.admin('setStorage', [[[codec.key('subtensorModule', 'weights', NETUID, 2), codec.encode('subtensorModule', 'weights', [[0, 65535]])]]]);
    const [charlie, ferdie] = [account('//Charlie'), account('//Ferdie')];
    const r = node.admin('replaceNeuron', [{ netuid: NETUID, uid: 2, hotkey: '//Ferdie', stake: 1234 }]);
    expect(r).toEqual({ netuid: NETUID, uid: 2, hotkey: ferdie.address, coldkey: ferdie.address });
    const s = store();
    expect(s.account('keys', NETUID, 2)).toBe(ferdie.publicKey);
    expect(s.num('uids', NETUID, ferdie.publicKey)).toBe(2);
    expect(s.contains('uids', NETUID, charlie.publicKey)).toBe(false);
    expect(s.contains('isNetworkMember', charlie.publicKey, NETUID)).toBe(false);
    expect(s.bool('isNetworkMember', ferdie.publicKey, NETUID)).toBe(true);
    expect(s.num('blockAtRegistration', NETUID, 2)).toBe(head());
    expect(s.big('totalHotkeyAlpha', ferdie.publicKey, NETUID)).toBe(1234n);
    expect(s.num('subnetworkN', NETUID)).toBe(3);
    expect(s.pairs('weights', NETUID, 2)).toEqual([[0, 65535]]);
  });

  it('refuses a uid that does not exist, a hotkey already registered, a permit, and writes nothing', () => {
    expect(refusal(() => node.admin('replaceNeuron', [{ netuid: NETUID, uid: 3, hotkey: '//Dave' }]))).toBe('params.uid');
    expect(refusal(() => node.admin('replaceNeuron', [{ netuid: NETUID, uid: 1, hotkey: '//Alice' }]))).toBe('params.hotkey');
    expect(refusal(() => node.admin('replaceNeuron', [{ netuid: NETUID, uid: 1, hotkey: '//Dave', permit: true }]))).toBe('params.permit');
    expect(refusal(() => node.admin('replaceNeuron', [{ netuid: 9, uid: 0, hotkey: '//Dave' }]))).toBe('params.netuid');
    expect(refusal(() => node.admin('replaceNeuron', [{ uid: 0, hotkey: '//Dave' }]))).toBe('params.netuid');
  });
});

describe('devnet_setStorageAfterInitialize', () => {
  it('writes over what the epoch of the next block stored; devnet_setStorage is overwritten by it', () => {
    let epoch = head() + 2;
    while (!isEpochBlock(NETUID, TEMPO, epoch)) epoch++;
    node.admin('newBlock', [epoch - 1 - head()]);
    const computed = runEpoch(epochInputAt(node.state, epoch, NETUID), { mode: 'exact' }).incentive;
    const written = computed.map((v) => (v + 1) % 65536);
    const key = codec.key('subtensorModule', 'incentive', NETUID);
    expect(node.admin('setStorageAfterInitialize', [[[key, codec.encode('subtensorModule', 'incentive', written)]]])).toEqual({ queued: 1 });
    expect(head()).toBe(epoch);
    expect(store().num('lastMechansimStepBlock', NETUID)).toBe(epoch);
    expect(store().nums('incentive', NETUID)).toEqual(written);
    expect(node.state.get(privateKey('subtensor:after-initialize'), head())).toBeNull();

    // The same write before on_initialize: the epoch stores its own incentive over it.
    let next = epoch + 1;
    while (!isEpochBlock(NETUID, TEMPO, next)) next++;
    node.admin('newBlock', [next - 1 - head()]);
    const expected = runEpoch(epochInputAt(node.state, next, NETUID), { mode: 'exact' }).incentive;
    node.admin('setStorage', [[[key, codec.encode('subtensorModule', 'incentive', expected.map((v) => (v + 1) % 65536))]]]);
    expect(head()).toBe(next);
    expect(store().nums('incentive', NETUID)).toEqual(expected);
  });

  it('refuses malformed pairs, naming the one', () => {
    expect(refusal(() => node.admin('setStorageAfterInitialize', [[['0x12', '0x00'], ['nothex', null]]]))).toBe('params[0][1]');
    expect(refusal(() => node.admin('setStorageAfterInitialize', [{ key: '0x12' }]))).toBe('params[0]');
  });
});
