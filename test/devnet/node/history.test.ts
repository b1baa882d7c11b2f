import { describe, expect, it } from 'vitest';
import { Chain } from '../../../src/devnet/chain.js';
import type { BlockHooks } from '../../../src/devnet/chain.js';
import { createDevnet } from '../../../src/devnet/node.js';
import { loadRuntime } from '../../../src/devnet/runtime.js';
import { StateStore } from '../../../src/devnet/state-store.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { Prng } from '../../../src/random/index.js';

// History retention (--keep-blocks): pruning forgets old blocks without changing any read at a block still kept.

const hex = (n: number): Hex => `0x${n.toString(16).padStart(4, '0')}` as Hex;

describe('StateStore.prune', () => {
  it('keeps every read at and after the pruning point equal to an archive\'s (random writes and deletions)', () => {
    const prng = new Prng(15);
    const rand = (): number => prng.next();
    const archive = new StateStore();
    const pruned = new StateStore();
    const keys = Array.from({ length: 40 }, (_, i) => hex(i));
    for (let b = 0; b < 600; b++) {
      for (let w = 0; w < 6; w++) {
        const key = keys[Math.floor(rand() * keys.length)]!;
        const value = rand() < 0.25 ? null : hex(Math.floor(rand() * 65536));
        archive.set(key, value);
        pruned.set(key, value);
      }
      archive.commit(b);
      pruned.commit(b);
      if (b % 50 === 49) pruned.prune(b - 100);
    }
    expect(pruned.oldest).toBe(599 - 100);
    for (let at = pruned.oldest; at <= 599; at++) {
      for (const key of keys) expect(pruned.get(key, at), `${key} at ${at}`).toBe(archive.get(key, at));
      expect(pruned.keysPaged('0x', 1000, null, at)).toEqual(archive.keysPaged('0x', 1000, null, at));
    }
    expect(pruned.changesAt(pruned.oldest - 1).size).toBe(0);
    expect(pruned.changesAt(599)).toEqual(archive.changesAt(599));
  });
});

describe('Chain with keepBlocks', () => {
  const hooks: BlockHooks = {
    onInitialize: (ctx) => ctx.state.set('0x01', hex(ctx.number)),
    applyExtrinsic: () => ({ included: true, success: true }),
    onFinalize: () => {},
  };

  it('holds the last keepBlocks blocks and the genesis, remembers pruned hashes, and builds the same chain', () => {
    const runtime = loadRuntime();
    const kept = new Chain(runtime, new StateStore(), hooks, 20);
    const all = new Chain(runtime, new StateStore(), hooks, null);
    const hashes: Hex[] = [];
    for (let b = 0; b <= 100; b++) {
      const t = 1_700_000_000_000 + b;
      const h = kept.produce([], t).block.hash;
      expect(all.produce([], t).block.hash).toBe(h);
      hashes.push(h);
    }
    expect(kept.oldestKept).toBe(81);
    expect(kept.blockAt(80)).toBeUndefined();
    expect(kept.blockAt(81)?.hash).toBe(hashes[81]);
    expect(kept.blockAt(0)?.hash).toBe(all.genesisHash);
    expect(kept.isPruned(80)).toBe(true);
    expect(kept.isPruned(81)).toBe(false);
    expect(kept.blockByHash(hashes[50]!)).toBeUndefined();
    expect(kept.prunedNumber(hashes[50]!)).toBe(50);
    expect(kept.state.get('0x01', 81)).toBe(hex(81));
    expect(all.isPruned(0)).toBe(false);
  });

  it('defaults: 4096 blocks without a database, every block with one; fewer than 16 is refused', async () => {
    const node = await createDevnet({ config: { subnets: [] }, blockTimeMs: 0, log: () => {} });
    expect(node.chain.keepBlocks).toBe(4096);
    await node.close();
    await expect(createDevnet({ config: { subnets: [] }, blockTimeMs: 0, keepBlocks: 5, log: () => {} })).rejects.toThrow(/option keepBlocks: expected null \(every block\) or an integer of at least 16, got 5/);
  });
});
