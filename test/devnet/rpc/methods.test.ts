import { hexToU8a } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRpcServer } from '../../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../../src/devnet/rpc/index.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { BAD_XT, INVALID_LATER_XT, RawClient, codec, makeFakeNode } from './helpers.js';
import type { FakeNode } from './helpers.js';

// Each method's answers and errors, over a raw WebSocket, compared with what a Substrate node sends.

let node: FakeNode;
let server: RpcServer;
let client: RawClient;
const tempoKey = codec.key('subtensorModule', 'tempo', 1);
const weightsPrefix = codec.prefix('subtensorModule', 'weights');
const UNKNOWN = `0x${'ab'.repeat(32)}` as Hex;

beforeAll(async () => {
  node = makeFakeNode();
  node.writeNext(tempoKey, codec.encode('subtensorModule', 'tempo', 11));
  node.produce(); // block 1: Tempo 11
  node.produce(); // block 2: nothing changes
  server = await startRpcServer(node, { finalityHoldMs: 0 });
  client = await RawClient.connect(server.url);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
});

const hashAt = (n: number): Hex => node.chain.blockAt(n)!.hash;

describe('system', () => {
  it('describes a development node without peers', async () => {
    expect(await client.call('system_name')).toBe('yumaval-devnet');
    expect(await client.call('system_version')).toBe('0.1.0');
    expect(await client.call('system_properties')).toEqual({ ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' });
    expect(await client.call('system_health')).toEqual({ peers: 0, isSyncing: false, shouldHavePeers: false });
    expect(await client.call('system_chainType')).toBe('Development');
    expect(await client.call('system_nodeRoles')).toEqual(['Authority']);
    expect(await client.call('system_syncState')).toEqual({ startingBlock: 0, currentBlock: node.chain.head.number, highestBlock: node.chain.head.number });
    const peer = (await client.call('system_localPeerId')) as string;
    expect(peer).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]{44}$/);
    expect(await client.call('system_localPeerId')).toBe(peer);
    expect(await client.call('system_accountNextIndex', ['5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'])).toBe(0);
    expect(await client.call('account_nextIndex', ['5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'])).toBe(0);
    expect((await client.request('system_accountNextIndex', ['bad'])).error).toEqual({ code: -32602, message: 'Invalid params', data: 'address: is not an SS58 address or public key' });
    expect(await client.call('chainSpec_v1_genesisHash')).toBe(node.chain.genesisHash);
  });

  it('lists its methods sorted, aliases and admin methods included', async () => {
    const { methods } = (await client.call('rpc_methods')) as { methods: string[] };
    expect(methods).toEqual([...methods].sort());
    for (const m of ['rpc_methods', 'chain_getHead', 'chain_subscribeFinalisedHeads', 'state_getStorageAt', 'author_unwatchExtrinsic', 'state_unsubscribeStorage', 'devnet_newBlock']) {
      expect(methods).toContain(m);
    }
    expect(methods).not.toContain('state_call');
    expect(server.methods).toEqual(methods);
  });
});

describe('chain', () => {
  it('gives block hashes by number, hex number or list; null beyond the head; 3001 beyond u32', async () => {
    expect(await client.call('chain_getBlockHash')).toBe(node.chain.head.hash);
    expect(await client.call('chain_getBlockHash', [null])).toBe(node.chain.head.hash);
    expect(await client.call('chain_getBlockHash', [0])).toBe(node.chain.genesisHash);
    expect(await client.call('chain_getBlockHash', ['0x1'])).toBe(hashAt(1));
    expect(await client.call('chain_getBlockHash', [[0, 2, 999]])).toEqual([hashAt(0), hashAt(2), null]);
    expect(await client.call('chain_getHead', [999])).toBeNull();
    expect((await client.request('chain_getBlockHash', [2 ** 32])).error).toEqual({ code: 3001, message: '`Number(4294967296)` > u32::MAX, the max block number is u32.' });
    expect((await client.request('chain_getBlockHash', [-1])).error).toMatchObject({ code: -32602 });
  });

  it('gives headers and blocks by hash (the head without one, null for an unknown hash)', async () => {
    const head = (await client.call('chain_getHeader')) as Record<string, unknown>;
    expect(head).toEqual(node.chain.head.header);
    expect(await client.call('chain_getHeader', [hashAt(1)])).toEqual(node.chain.blockAt(1)!.header);
    expect(await client.call('chain_getHeader', [UNKNOWN])).toBeNull();
    expect(await client.call('chain_getBlock', [hashAt(1)])).toEqual({ block: { header: node.chain.blockAt(1)!.header, extrinsics: [] }, justifications: null });
    expect(await client.call('chain_getBlock', [UNKNOWN])).toBeNull();
    expect(await client.call('chain_getFinalizedHead')).toBe(node.chain.head.hash);
    expect(await client.call('chain_getFinalisedHead')).toBe(node.chain.head.hash);
  });

  it('sends the current head on subscribe, then each new head; unsubscribes once', async () => {
    const ids = await Promise.all(['chain_subscribeNewHeads', 'chain_subscribeFinalizedHeads', 'chain_subscribeAllHeads'].map((m) => client.call(m)));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9]{16}$/);
    await client.until(() => ids.every((id) => client.of(id).length === 1));
    for (const id of ids) expect(client.of(id)).toEqual([node.chain.head.header]);
    expect(client.notifications.filter((n) => n.subscription === ids[0])[0]!.method).toBe('chain_newHead');
    expect(client.notifications.filter((n) => n.subscription === ids[1])[0]!.method).toBe('chain_finalizedHead');
    expect(client.notifications.filter((n) => n.subscription === ids[2])[0]!.method).toBe('chain_allHead');
    node.produce();
    await client.until(() => ids.every((id) => client.of(id).length === 2));
    expect(client.of(ids[0])[1]).toEqual(node.chain.head.header);
    // An unsubscribe only ends subscriptions of its own kind, and only once.
    expect(await client.call('chain_unsubscribeAllHeads', [ids[0]])).toBe(false);
    expect(await client.call('chain_unsubscribeNewHeads', [ids[0]])).toBe(true);
    expect(await client.call('chain_unsubscribeNewHeads', [ids[0]])).toBe(false);
    expect(await client.call('chain_unsubscribeFinalisedHeads', [ids[1]])).toBe(true);
    expect(await client.call('chain_unsubscribeAllHeads', [ids[2]])).toBe(true);
    expect(await client.call('chain_unsubscribeAllHeads', [{ not: 'an id' }])).toBe(false);
    node.produce();
    await client.call('system_chain');
    for (const id of ids) expect(client.of(id)).toHaveLength(2);
    expect(server.subscriptionCount()).toBe(0);
  });
});

describe('state', () => {
  it('reads storage at the head and at any block; 4003 for an unknown block', async () => {
    const at0 = codec.encode('subtensorModule', 'tempo', 10);
    const at1 = codec.encode('subtensorModule', 'tempo', 11);
    expect(await client.call('state_getStorage', [tempoKey])).toBe(at1);
    expect(await client.call('state_getStorage', [tempoKey, hashAt(0)])).toBe(at0);
    expect(await client.call('state_getStorageAt', [tempoKey.toUpperCase().replace('0X', '0x'), hashAt(1)])).toBe(at1);
    expect(await client.call('state_getStorage', ['0x1234'])).toBeNull();
    expect((await client.request('state_getStorage', [tempoKey, UNKNOWN])).error).toEqual({
      code: 4003,
      message: `Client error: UnknownBlock: Header was not found in the database: ${UNKNOWN}`,
    });
    expect(await client.call('state_getStorageHash', [tempoKey])).toBe(blake2AsHex(hexToU8a(at1), 256));
    expect(await client.call('state_getStorageHash', ['0x1234'])).toBeNull();
    expect(await client.call('state_getStorageSize', [tempoKey])).toBe(2);
    // A key without a value is a prefix: the sizes under it add up.
    expect(await client.call('state_getStorageSize', [weightsPrefix, hashAt(0)])).toBe(3 * 9);
    expect(await client.call('state_getStorageSize', ['0x1234'])).toBeNull();
  });

  it('pages keys by prefix after a start key, at a block; 4002 above 1000', async () => {
    const all = (await client.call('state_getKeysPaged', [weightsPrefix, 10, null])) as Hex[];
    expect(all).toEqual([0, 1, 2].map((uid) => codec.key('subtensorModule', 'weights', 1, uid)));
    expect(await client.call('state_getKeysPaged', [weightsPrefix, 1, all[0]])).toEqual([all[1]]);
    expect(await client.call('state_getKeysPagedAt', [weightsPrefix, 10, all[2], hashAt(0)])).toEqual([]);
    expect(await client.call('state_getKeysPaged', [weightsPrefix, 0])).toEqual([]);
    expect(await client.call('state_getKeys', [weightsPrefix])).toEqual(all);
    expect(((await client.call('state_getPairs', [weightsPrefix])) as unknown[][]).map((p) => p[0])).toEqual(all);
    expect((await client.request('state_getKeysPaged', [weightsPrefix, 1001])).error).toEqual({ code: 4002, message: 'count exceeds maximum value. value: 1001, max: 1000' });
  });

  it('queries change sets at a block and over a range; 4001 for an unknown block', async () => {
    expect(await client.call('state_queryStorageAt', [[tempoKey, '0x1234'], hashAt(0)])).toEqual([
      { block: hashAt(0), changes: [[tempoKey, codec.encode('subtensorModule', 'tempo', 10)], ['0x1234', null]] },
    ]);
    expect(await client.call('state_queryStorageAt', [[]])).toEqual([]);
    expect(await client.call('state_queryStorage', [[tempoKey], hashAt(0), hashAt(2)])).toEqual([
      { block: hashAt(0), changes: [[tempoKey, codec.encode('subtensorModule', 'tempo', 10)]] },
      { block: hashAt(1), changes: [[tempoKey, codec.encode('subtensorModule', 'tempo', 11)]] },
    ]);
    expect((await client.request('state_queryStorageAt', [[tempoKey], UNKNOWN])).error).toEqual({
      code: 4001,
      message: `Cannot resolve a block range ['"${UNKNOWN}"' ... '"Some(${UNKNOWN})"]. UnknownBlock: Header was not found in the database: ${UNKNOWN}`,
    });
    expect((await client.request('state_queryStorage', [[tempoKey], hashAt(2), hashAt(1)])).error).toEqual({
      code: 4001,
      message: `Cannot resolve a block range ['"2 (${hashAt(2)})"' ... '"1 (${hashAt(1)})"]. from number > to number`,
    });
  });

  it('serves the runtime at any known block; 4003 "Api called for an unknown Block" otherwise', async () => {
    expect(await client.call('state_getMetadata')).toBe(node.runtime.metadataHex);
    expect(await client.call('state_getMetadata', [hashAt(0)])).toBe(node.runtime.metadataHex);
    expect(await client.call('state_getRuntimeVersion', [hashAt(1)])).toEqual(node.runtime.version);
    expect(await client.call('chain_getRuntimeVersion')).toEqual(node.runtime.version);
    expect((await client.request('state_getRuntimeVersion', [UNKNOWN])).error).toEqual({
      code: 4003,
      message: `Client error: Api called for an unknown Block: Header was not found in the database: ${UNKNOWN}`,
    });
    const id = await client.call('state_subscribeRuntimeVersion');
    await client.until(() => client.of(id).length === 1);
    expect(client.of(id)).toEqual([node.runtime.version]);
    expect(await client.call('chain_unsubscribeRuntimeVersion', [id])).toBe(true);
  });

  it('subscribes to storage: current values first, then only the subscribed keys that a block wrote', async () => {
    const other = codec.key('subtensorModule', 'tempo', 2);
    const id = await client.call('state_subscribeStorage', [[tempoKey, other, tempoKey]]);
    await client.until(() => client.of(id).length === 1);
    expect(client.of(id)[0]).toEqual({ block: node.chain.head.hash, changes: [[tempoKey, codec.encode('subtensorModule', 'tempo', 11)], [other, null], [tempoKey, codec.encode('subtensorModule', 'tempo', 11)]] });
    node.produce(); // writes nothing
    node.writeNext(other, codec.encode('subtensorModule', 'tempo', 5));
    node.writeNext('0x99', '0x01');
    node.produce();
    await client.until(() => client.of(id).length === 2);
    expect(client.of(id)[1]).toEqual({ block: node.chain.head.hash, changes: [[other, codec.encode('subtensorModule', 'tempo', 5)]] });
    node.writeNext(other, null);
    node.produce();
    await client.until(() => client.of(id).length === 3);
    expect(client.of(id)[2]).toEqual({ block: node.chain.head.hash, changes: [[other, null]] });
    expect(await client.call('state_unsubscribeStorage', [id])).toBe(true);

    // Without keys: every change of every block, and nothing at first.
    const all = await client.call('state_subscribeStorage', []);
    node.writeNext('0x98', '0x02');
    node.produce();
    await client.until(() => client.of(all).length === 1);
    expect(client.of(all)[0]).toEqual({ block: node.chain.head.hash, changes: [['0x98', '0x02']] });
    expect(await client.call('state_unsubscribeStorage', [all])).toBe(true);
  });
});

describe('author', () => {
  it('submits an extrinsic (its hash back) and lists the pool', async () => {
    const xt = '0x0401' as Hex;
    expect(await client.call('author_submitExtrinsic', [xt])).toBe(blake2AsHex(xt, 256));
    expect(await client.call('author_pendingExtrinsics')).toEqual([xt]);
    node.produce();
    expect(await client.call('author_pendingExtrinsics')).toEqual([]);
  });

  it('answers a refused extrinsic with the node\'s error', async () => {
    const refused = { code: 1010, message: 'Invalid Transaction', data: 'Transaction has a bad signature' };
    expect((await client.request('author_submitExtrinsic', [BAD_XT])).error).toEqual(refused);
    expect((await client.request('author_submitAndWatchExtrinsic', [BAD_XT])).error).toEqual(refused);
    expect(server.subscriptionCount()).toBe(0);
    expect((await client.request('author_submitExtrinsic', ['zz'])).error).toMatchObject({ code: -32602 });
  });

  it('watches an extrinsic: ready, inBlock, finalized on the same block, then the watch ends', async () => {
    const id = await client.call('author_submitAndWatchExtrinsic', ['0x0402']);
    await client.until(() => client.of(id).length === 1);
    expect(client.of(id)).toEqual(['ready']);
    expect(client.notifications.find((n) => n.subscription === id)!.method).toBe('author_extrinsicUpdate');
    node.produce();
    await client.until(() => client.of(id).length === 3);
    const hash = node.chain.head.hash;
    expect(client.of(id)).toEqual(['ready', { inBlock: hash }, { finalized: hash }]);
    expect(await client.call('author_unwatchExtrinsic', [id])).toBe(false);
    expect(server.subscriptionCount()).toBe(0);
  });

  it('reports an extrinsic that turns invalid as the bare string "invalid", and ends the watch', async () => {
    const id = await client.call('author_submitAndWatchExtrinsic', [INVALID_LATER_XT]);
    node.produce();
    await client.until(() => client.of(id).length === 2);
    expect(client.of(id)).toEqual(['ready', 'invalid']);
    expect(server.subscriptionCount()).toBe(0);
  });

  it('holds finalized until the client read the block\'s events, or at most finalityHoldMs', async () => {
    const held = await startRpcServer(node, { finalityHoldMs: 300 });
    const c = await RawClient.connect(held.url);
    try {
      const id = await c.call('author_submitAndWatchExtrinsic', ['0x0403']);
      node.produce();
      await c.until(() => c.of(id).length === 2);
      const hash = node.chain.head.hash;
      await new Promise((r) => setTimeout(r, 50));
      expect(c.of(id)).toEqual(['ready', { inBlock: hash }]);
      await c.call('state_getStorage', ['0x26aa394eea5630e07c48ae0c9558cef780d41e5e16056765bc8461851072c9d7', hash]);
      await c.until(() => c.of(id).length === 3, 200);
      expect(c.of(id)[2]).toEqual({ finalized: hash });
      // A client that never reads the events gets finalized after the hold.
      const id2 = await c.call('author_submitAndWatchExtrinsic', ['0x0404']);
      const t0 = Date.now();
      node.produce();
      await c.until(() => c.of(id2).length === 3, 2000);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    } finally {
      await c.close();
      await held.close();
    }
  });
});

describe('devnet admin', () => {
  it('forwards devnet_* to the node: results, bigints as JSON, bad params as −32602', async () => {
    const head = node.chain.head.number;
    expect(await client.call('devnet_newBlock', [2])).toBe(head + 2);
    expect(await client.call('devnet_newBlock')).toBe(head + 3);
    expect(await client.call('devnet_big')).toEqual({ balance: (2n ** 70n).toString(), small: 5 });
    expect((await client.request('devnet_newBlock', [0])).error).toEqual({ code: -32602, message: 'Invalid params', data: 'count: expected a positive integer' });
    expect((await client.request('devnet_', [])).error).toEqual({ code: -32601, message: 'Method not found' });
  });
});
