import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRpcServer } from '../../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../../src/devnet/rpc/index.js';
import { codec, makeFakeNode } from './helpers.js';
import type { FakeNode } from './helpers.js';

// A real @polkadot/api client (ApiPromise + WsProvider) against the server, over the real chain and state store.

// The api is not augmented with subtensor's types here: a narrow view of what the tests read.
interface NumberCodec { toNumber(): number }
type MapEntry = [{ args: NumberCodec[] }, { toJSON(): unknown }];
interface SubtensorQuery {
  tempo: { (netuid: number): Promise<NumberCodec>; (netuid: number, cb: (v: NumberCodec) => void): Promise<() => void> };
  weights: { entries(netuid: number): Promise<MapEntry[]>; keys(netuid: number): Promise<unknown[]> };
}
const subtensor = (a: { query: unknown }): SubtensorQuery => (a.query as Record<string, SubtensorQuery>)['subtensorModule']!;
const setWeights = (a: ApiPromise, ...args: unknown[]): SubmittableExtrinsic<'promise'> =>
  (a.tx as unknown as Record<string, Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']!['setWeights']!(...args);

let node: FakeNode;
let server: RpcServer;
let api: ApiPromise;

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  node = makeFakeNode();
  server = await startRpcServer(node);
  api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true, throwOnConnect: true });
});

afterAll(async () => {
  await api?.disconnect();
  await server?.close();
});

describe('@polkadot/api against the devnet server', () => {
  it('connects: genesis, runtime version, chain facts and metadata are the served ones', async () => {
    expect(api.isConnected).toBe(true);
    expect(api.genesisHash.toHex()).toBe(node.chain.genesisHash);
    expect(api.runtimeVersion.specName.toString()).toBe('node-subtensor');
    expect(api.runtimeVersion.specVersion.toNumber()).toBe(233);
    expect((await api.rpc.system.chain()).toString()).toBe('Yumaval Devnet');
    expect((await api.rpc.system.chainType()).isDevelopment).toBe(true);
    expect(api.registry.chainSS58).toBe(42);
    expect(api.registry.chainDecimals).toEqual([9]);
    expect(api.registry.chainTokens).toEqual(['TAO']);
    const health = await api.rpc.system.health();
    expect(health.peers.toNumber()).toBe(0);
    expect(health.isSyncing.isFalse).toBe(true);
    expect((await api.rpc.system.localPeerId()).toString()).toMatch(/^12D3KooW/);
    expect(typeof setWeights).toBe('function');
    const methods = await api.rpc.rpc.methods();
    expect(methods.methods.map((m) => m.toString())).toContain('state_getKeysPaged');
  });

  it('reads storage at the head and at an old block hash with api.at', async () => {
    expect((await subtensor(api).tempo(1)).toNumber()).toBe(10);
    const genesis = node.chain.genesisHash;
    node.writeNext(codec.key('subtensorModule', 'tempo', 1), codec.encode('subtensorModule', 'tempo', 20));
    node.produce();
    expect((await subtensor(api).tempo(1)).toNumber()).toBe(20);
    const old = await api.at(genesis);
    expect((await subtensor(old).tempo(1)).toNumber()).toBe(10);
    const b1 = await api.at(node.chain.blockAt(1)!.hash);
    expect((await subtensor(b1).tempo(1)).toNumber()).toBe(20);
    // An item never written reads as its default, as on chain.
    expect((await subtensor(api).tempo(7)).toNumber()).toBe(99);
  });

  it('lists a map with entries (state_getKeysPaged + state_queryStorageAt), also at a block', async () => {
    const entries = await subtensor(api).weights.entries(1);
    const byUid = new Map(entries.map(([key, value]) => [key.args[1]!.toNumber(), value.toJSON()]));
    expect(byUid.size).toBe(3);
    expect(byUid.get(0)).toEqual([[0, 65535], [1, 100]]);
    expect(byUid.get(2)).toEqual([[2, 65535], [0, 300]]);
    node.writeNext(codec.key('subtensorModule', 'weights', 1, 5), codec.encode('subtensorModule', 'weights', [[5, 1]]));
    node.produce();
    expect((await subtensor(api).weights.entries(1)).length).toBe(4);
    const old = await api.at(node.chain.genesisHash);
    expect((await subtensor(old).weights.entries(1)).length).toBe(3);
    expect((await subtensor(api).weights.keys(1)).length).toBe(4);
  });

  it('follows new heads and finalized heads as blocks are produced', async () => {
    const heads: number[] = [];
    const finalized: number[] = [];
    const unsubHeads = await api.rpc.chain.subscribeNewHeads((h) => { heads.push(h.number.toNumber()); });
    const unsubFinal = await api.rpc.chain.subscribeFinalizedHeads((h) => { finalized.push(h.number.toNumber()); });
    const start = node.chain.head.number;
    await until(() => heads.length >= 1 && finalized.length >= 1);
    node.produce();
    node.produce();
    await until(() => heads.includes(start + 2) && finalized.includes(start + 2));
    expect(heads).toEqual([start, start + 1, start + 2]);
    expect(finalized).toEqual([start, start + 1, start + 2]);
    unsubHeads();
    unsubFinal();
    const head = await api.rpc.chain.getHeader();
    expect(head.hash.toHex()).toBe(node.chain.head.hash);
    expect((await api.rpc.chain.getFinalizedHead()).toHex()).toBe(node.chain.head.hash);
  });

  it('sees storage changes through a query subscription (state_subscribeStorage)', async () => {
    const seen: number[] = [];
    const unsub = await subtensor(api).tempo(1, (v) => { seen.push(v.toNumber()); });
    await until(() => seen.length === 1);
    node.writeNext(codec.key('subtensorModule', 'tempo', 1), codec.encode('subtensorModule', 'tempo', 42));
    node.produce();
    node.produce(); // a block that does not touch Tempo sends nothing
    await until(() => seen.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([20, 42]);
    unsub();
  });

  it('signs and sends an extrinsic and watches it reach inBlock and finalized', async () => {
    await cryptoWaitReady();
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
    node.autoBlock = true;
    const statuses: string[] = [];
    let inBlock = '';
    await new Promise<void>((resolve, reject) => {
      setWeights(api, 1, [0], [65535], 0)
        .signAndSend(alice, (result) => {
          statuses.push(result.status.type);
          if (result.status.isInBlock) inBlock = result.status.asInBlock.toHex();
          if (result.status.isFinalized) resolve();
        })
        .catch(reject);
    });
    node.autoBlock = false;
    expect(statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    const block = await api.rpc.chain.getBlock(inBlock);
    expect(block.block.extrinsics.length).toBe(1);
    const xt = block.block.extrinsics[0]!;
    expect(xt.method.section).toBe('subtensorModule');
    expect(xt.method.method).toBe('setWeights');
    expect(xt.signer.toString()).toBe(alice.address);
  });

  it('passes node errors through: a refused extrinsic is the node\'s JSON-RPC error', async () => {
    await cryptoWaitReady();
    const bob = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob');
    const signed = await setWeights(api, 1, [0], [65535], 0).signAsync(bob);
    node.rejectAll = true;
    await expect(api.rpc.author.submitExtrinsic(signed)).rejects.toThrow(/1010: Invalid Transaction: Transaction has a bad signature/);
    await expect(signed.send()).rejects.toThrow(/1010: Invalid Transaction: Transaction has a bad signature/);
    node.rejectAll = false;
    await expect(api.rpc.system.accountNextIndex('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY')).resolves.toBeDefined();
  });
});
