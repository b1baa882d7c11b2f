import { hexToU8a } from '@polkadot/util';
import { describe, expect, it } from 'vitest';
import { Chain } from '../../src/devnet/chain.js';
import type { BlockHooks } from '../../src/devnet/chain.js';
import { loadRuntime } from '../../src/devnet/runtime.js';
import { StateStore } from '../../src/devnet/state-store.js';
import { StorageCodec } from '../../src/devnet/storage-codec.js';
import type { Hex } from '../../src/devnet/storage-codec.js';

// The devnet's foundation: the served runtime, storage keys and values from its metadata, history, and blocks.

const runtime = loadRuntime();
const codec = new StorageCodec(runtime);
const k = (n: number): Hex => `0x${n.toString(16).padStart(4, '0')}` as Hex;

describe('the served runtime', () => {
  it('is subtensor spec 233, without the Metadata API (so clients read state_getMetadata)', () => {
    expect(runtime.version.specName).toBe('node-subtensor');
    expect(runtime.version.specVersion).toBe(233);
    expect(runtime.version.transactionVersion).toBe(1);
    expect(runtime.version.apis.some(([id]) => id === '0x37e397fc7c91f5e4')).toBe(false);
    expect(runtime.version.apis.some(([id]) => id === '0xdf6acb689907609b')).toBe(true);
    expect(runtime.metadata.version).toBe(14);
  });

  it('has the subtensor calls at their chain indices', () => {
    const tx = runtime.decorated.tx.subtensorModule!;
    expect(Array.from(tx.setWeights!.callIndex)).toEqual([7, 0]);
    expect(Array.from(tx.commitWeights!.callIndex)).toEqual([7, 96]);
    expect(Array.from(tx.revealWeights!.callIndex)).toEqual([7, 97]);
  });
});

describe('StorageCodec', () => {
  it('hashes keys with the item\'s hashers: twox128(pallet) ++ twox128(item) ++ identity(netuid) ++ identity(uid)', () => {
    const key = codec.key('subtensorModule', 'weights', 1, 3);
    // Weights is a double map with Identity hashers over u16 keys: the SCALE bytes of 1 and 3 follow the prefix.
    expect(key).toBe(`${codec.prefix('subtensorModule', 'weights')}01000300`);
    expect(codec.prefix('subtensorModule', 'weights')).toHaveLength(2 + 64);
  });

  it('encodes and decodes values by the item\'s type; an absent value reads as the default', () => {
    const v = codec.encode('subtensorModule', 'weights', [[0, 65535], [2, 100]]);
    expect(v).toBe('0x080000ffff02006400');
    expect(codec.decode('subtensorModule', 'weights', v).toJSON()).toEqual([[0, 65535], [2, 100]]);
    expect(codec.decode('subtensorModule', 'weights', null).toJSON()).toEqual([]);
    // Tempo's default is 99 (the bytes 0x6300): not read as a big-endian hex number.
    expect(codec.decode('subtensorModule', 'tempo', null).toJSON()).toBe(99);
    expect(codec.decode('subtensorModule', 'tempo', codec.encode('subtensorModule', 'tempo', 10)).toJSON()).toBe(10);
  });

  it('names an item the runtime does not have', () => {
    expect(codec.has('subtensorModule', 'yuma3On')).toBe(false);
    expect(() => codec.key('subtensorModule', 'yuma3On', 1)).toThrow(/subtensorModule\.yuma3On: is not a storage item/);
  });
});

describe('StateStore', () => {
  it('reads every key as it was at any block', () => {
    const s = new StateStore();
    s.set(k(1), '0x01');
    s.commit(0);
    s.set(k(1), '0x02');
    s.set(k(2), '0xaa');
    s.commit(1);
    s.set(k(1), null);
    s.commit(2);
    expect([s.get(k(1), 0), s.get(k(1), 1), s.get(k(1), 2)]).toEqual(['0x01', '0x02', null]);
    expect(s.get(k(2), 0)).toBeNull();
    expect(s.get(k(2))).toBe('0xaa');
    expect([...s.changesAt(1).keys()]).toEqual([k(1), k(2)]);
  });

  it('shows pending writes only to reads of the block being built, and rolls back to a checkpoint', () => {
    const s = new StateStore();
    s.set(k(1), '0x01');
    s.commit(0);
    s.set(k(1), '0x02');
    expect(s.get(k(1))).toBe('0x01');
    expect(s.get(k(1), 1)).toBe('0x02');
    const save = s.checkpoint();
    s.set(k(1), '0x03');
    s.set(k(3), '0x03');
    s.restore(save);
    expect(s.get(k(1), 1)).toBe('0x02');
    expect(s.get(k(3), 1)).toBeNull();
    expect(() => s.commit(5)).toThrow(RangeError);
  });

  it('pages keys by prefix in order, after a start key, at a block', () => {
    const s = new StateStore();
    for (const n of [0x0103, 0x0101, 0x0201, 0x0102]) s.set(k(n), '0x00');
    s.commit(0);
    s.set(k(0x0102), null);
    s.commit(1);
    expect(s.keysPaged('0x01', 10, null, 0)).toEqual([k(0x0101), k(0x0102), k(0x0103)]);
    expect(s.keysPaged('0x01', 10)).toEqual([k(0x0101), k(0x0103)]);
    expect(s.keysPaged('0x01', 1, k(0x0101), 0)).toEqual([k(0x0102)]);
    expect(s.keysPaged('0x02', 10)).toEqual([k(0x0201)]);
  });
});

describe('Chain', () => {
  const hooks = (log: string[]): BlockHooks => ({
    onInitialize: (ctx) => { log.push(`init ${ctx.number}`); ctx.state.set(k(9), `0x${ctx.number.toString(16).padStart(2, '0')}` as Hex); },
    applyExtrinsic: (_ctx, xt) => (xt === '0xbad0' ? { included: false, reason: 'refused' } : { included: true, success: true }),
    onFinalize: (ctx, included) => { log.push(`final ${ctx.number} ${included.length}`); },
  });

  it('produces a genesis, then blocks whose headers decode and hash as Substrate headers do', () => {
    const log: string[] = [];
    const chain = new Chain(runtime, new StateStore(), hooks(log));
    const seen: number[] = [];
    chain.on('block', (p: { block: { number: number } }) => seen.push(p.block.number));
    const g = chain.produce([], 1000, (ctx) => ctx.state.set(k(1), '0x01'));
    const b1 = chain.produce(['0x0102', '0xbad0', '0x0304'], 2000);
    expect(log).toEqual(['final 0 0', 'init 1', 'final 1 2']);
    expect(b1.outcomes).toEqual([{ included: true, success: true }, { included: false, reason: 'refused' }, { included: true, success: true }]);
    expect(b1.block.extrinsics).toEqual(['0x0102', '0x0304']);
    expect(b1.block.header.parentHash).toBe(g.block.hash);
    expect(chain.genesisHash).toBe(g.block.hash);
    // The hash is blake2-256 of the SCALE header, as clients compute it.
    const header = runtime.registry.createType('Header', b1.block.header) as unknown as { hash: { toHex(): string }; number: { toNumber(): number } };
    expect(header.hash.toHex()).toBe(b1.block.hash);
    expect(header.number.toNumber()).toBe(1);
    expect(chain.blockByHash(b1.block.hash.toUpperCase().replace('0X', '0x') as Hex)?.number).toBe(1);
    expect(chain.state.get(k(9), 1)).toBe('0x01');
    expect(b1.block.header.stateRoot).not.toBe(g.block.header.stateRoot);
    expect(hexToU8a(b1.block.header.stateRoot)).toHaveLength(32);
    expect(seen).toEqual([0, 1]);
  });

  it('refuses extrinsics in the genesis', () => {
    const chain = new Chain(runtime, new StateStore(), hooks([]));
    expect(() => chain.produce(['0x00'])).toThrow(/genesis/);
  });
});
