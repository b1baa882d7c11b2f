import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevnet, type Devnet } from '../../../src/devnet/node.js';
import { TxRejected } from '../../../src/devnet/node-types.js';
import { eventsAt, pair, sign, watcher } from './signing.js';

// The default runtime: the subtensor module of src/devnet/subtensor, its genesis from the config, its admin methods
// and its signed-extension check, wired in by createDevnet.

const config = {
  subnets: [{
    netuid: 1, tempo: 100, weightsSetRateLimit: 0, minAllowedWeights: 1,
    neurons: [
      { hotkey: '//Alice', coldkey: '//Alice//stash', stake: '1000000000000', permit: true },
      { hotkey: '//Bob', stake: 0 },
    ],
  }],
};

let node: Devnet;
beforeAll(async () => {
  node = await createDevnet({ config, blockTimeMs: 0, log: () => undefined });
});
afterAll(async () => node.close());

describe('createDevnet with the subtensor module', () => {
  it('writes the config\'s genesis and reports the dev accounts', () => {
    expect(node.devAccounts).toEqual(expect.arrayContaining([expect.objectContaining({ uri: '//Alice' })]));
    const n = node.storage.decode('subtensorModule', 'subnetworkN', node.state.get(node.storage.key('subtensorModule', 'subnetworkN', 1)));
    expect(n.toJSON()).toBe(2);
  });

  it('lists and runs the subtensor admin methods', () => {
    expect(node.adminMethods()).toEqual(expect.arrayContaining(['newBlock', 'setStorage', 'createSubnet', 'registerNeuron']));
    const before = node.chain.head.number;
    node.admin('registerNeuron', [{ netuid: 1, hotkey: '//Charlie' }]);
    expect(node.chain.head.number).toBe(before + 1);
    const n = node.storage.decode('subtensorModule', 'subnetworkN', node.state.get(node.storage.key('subtensorModule', 'subnetworkN', 1)));
    expect(n.toJSON()).toBe(3);
  });

  it('includes a set_weights from a registered validator with ExtrinsicSuccess', async () => {
    const alice = pair('//Alice');
    const w = watcher();
    node.submit(sign(node, alice, node.runtime.decorated.tx.subtensorModule!.setWeights!(1, [0, 1], [100, 200], 0)), w.watch);
    expect((await w.done).at(-1)).toHaveProperty('finalized');
    const last = eventsAt(node, node.chain.head.number).at(-1)!.event;
    expect(`${last.section}.${last.method}`).toBe('system.ExtrinsicSuccess');
  });

  it('refuses a weight call from a hotkey below the stake threshold when its check says so (Custom error)', () => {
    // Bob has no stake: SubtensorSignedExtension refuses him only when StakeThreshold is above 0.
    const threshold = node.storage.key('subtensorModule', 'stakeThreshold');
    node.admin('setStorage', [[[threshold, node.storage.encode('subtensorModule', 'stakeThreshold', 1_000)]]]);
    const bob = pair('//Bob');
    let err: unknown;
    try {
      node.submit(sign(node, bob, node.runtime.decorated.tx.subtensorModule!.setWeights!(1, [0], [1], 0)));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TxRejected);
    expect((err as TxRejected).rpcCode).toBe(1010);
    expect((err as TxRejected).data).toMatch(/^Custom error: \d+$/);
  });
});
