import { u8aToHex } from '@polkadot/util';
import { afterEach, describe, expect, it } from 'vitest';
import { DispatchError, type RuntimeModule } from '../../../src/devnet/dispatch.js';
import type { Devnet } from '../../../src/devnet/node.js';
import { TxRejected } from '../../../src/devnet/node-types.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { devnet, eventsAt, nonceOf, pair, settle, sign, watcher } from './signing.js';

// The pool (future nonces, replacement, limits) and the dispatch of calls to modules (success, module errors rolled
// back, unhandled calls), with real signed extrinsics.

const alice = pair('//Alice');
const bob = pair('//Bob');
let node: Devnet | undefined;
afterEach(async () => { await node?.close(); node = undefined; });

function remark(n: Devnet, text: string): ReturnType<Devnet['runtime']['decorated']['tx'][string][string]> {
  return n.runtime.decorated.tx.system!.remark!(u8aToHex(new TextEncoder().encode(text)));
}

describe('the pool', () => {
  it('keeps a future nonce until the gap fills, then includes both in nonce order', async () => {
    node = await devnet();
    const later = watcher();
    node.submit(sign(node, alice, remark(node, 'second'), { nonce: 1 }), later.watch);
    await settle();
    expect(later.statuses).toEqual(['future']);
    expect(node.chain.head.number).toBe(0);
    expect(node.accountNextIndex(alice.address)).toBe(0);
    expect(node.pending()).toHaveLength(1);
    const first = watcher();
    node.submit(sign(node, alice, remark(node, 'first'), { nonce: 0 }), first.watch);
    expect(node.accountNextIndex(alice.address)).toBe(2);
    const [a, b] = await Promise.all([first.done, later.done]);
    // On demand, one block per accepted extrinsic (contracts/devnet.md): nonce 0 in block 1, nonce 1 in block 2.
    const b1 = node.chain.blockAt(1)!, b2 = node.chain.blockAt(2)!;
    expect(node.chain.head.number).toBe(2);
    expect(a).toEqual(['ready', { inBlock: b1.hash }, { finalized: b1.hash }]);
    expect(b).toEqual(['future', 'ready', { inBlock: b2.hash }, { finalized: b2.hash }]);
    expect(nonceOf(node, alice)).toBe(2);
    // Each block: the timestamp inherent, then its one extrinsic.
    const nonceIn = (blk: typeof b1): number[] => blk.extrinsics.slice(1).map((x) => node!.runtime.registry.createType('Extrinsic', x).nonce.toNumber());
    expect([nonceIn(b1), nonceIn(b2)]).toEqual([[0], [1]]);
  });

  it('replaces a pooled transaction only with a higher tip (1014 otherwise)', async () => {
    node = await devnet();
    const old = watcher();
    node.submit(sign(node, alice, remark(node, 'a'), { nonce: 1 }), old.watch);
    let err: unknown;
    try { node.submit(sign(node, alice, remark(node, 'b'), { nonce: 1 })); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(TxRejected);
    expect((err as TxRejected).rpcCode).toBe(1014);
    expect((err as TxRejected).message).toBe('Priority is too low: (0 vs 0)');
    node.submit(sign(node, alice, remark(node, 'c'), { nonce: 1, tip: 5 }));
    await settle();
    expect(old.statuses.at(-1)).toHaveProperty('dropped');
    expect(node.pending()).toHaveLength(1);
  });

  it('refuses what does not fit: 1016 Immediately Dropped', async () => {
    node = await devnet({ poolFuture: 1 });
    node.submit(sign(node, alice, remark(node, 'a'), { nonce: 5 }));
    let err: unknown;
    try { node.submit(sign(node, bob, remark(node, 'b'), { nonce: 5 })); } catch (e) { err = e; }
    expect((err as TxRejected).rpcCode).toBe(1016);
    expect((err as TxRejected).message).toBe('Immediately Dropped');
  });

  it('drops a pooled transaction whose nonce another one used, as invalid', async () => {
    node = await devnet();
    const w = watcher();
    node.submit(sign(node, alice, remark(node, 'ok')), w.watch);
    await w.done;
    // setStorage puts the nonce back to 0 for a moment: a nonce-0 transaction enters, then a block makes it stale.
    const key = node.storage.key('system', 'account', alice.publicKey);
    const saved = node.state.get(key);
    node.admin('setStorage', [[[key, null]]]);
    const stale = watcher();
    node.submit(sign(node, alice, remark(node, 'again'), { nonce: 0 }), stale.watch);
    node.state.set(key, saved);
    node.newBlock(1);
    await stale.done;
    expect(stale.statuses).toEqual(['ready', { invalid: 'Transaction is outdated' }]);
  });

  it('produces blocks on a timer with blockTimeMs > 0', async () => {
    node = await devnet({ blockTimeMs: 20 });
    node.start();
    const w = watcher();
    node.submit(sign(node, alice, remark(node, 't')), w.watch);
    expect((await w.done).at(-1)).toHaveProperty('finalized');
    await new Promise((r) => setTimeout(r, 80));
    expect(node.chain.head.number).toBeGreaterThanOrEqual(2);
  });
});

describe('dispatch', () => {
  const key = (n: Devnet): Hex => n.storage.key('subtensorModule', 'tempo', 1);
  const failing: RuntimeModule = {
    calls: {
      'subtensorModule.setWeights': (ctx, args) => {
        ctx.block.state.set(key(node!), ctx.storage.encode('subtensorModule', 'tempo', 7));
        ctx.deposit({ pallet: 'subtensorModule', method: 'WeightsSet', data: [args.netuid, 0] });
        if (args.version_key !== 0 || args.versionKey !== 0) throw new Error('both spellings of the argument name');
        if ((args.dests as number[]).length > 1) throw new DispatchError('subtensorModule', 'SettingWeightsTooFast');
      },
    },
  };

  it('a call that succeeds keeps its writes and events, before TransactionFeePaid and ExtrinsicSuccess', async () => {
    node = await devnet({ modules: [failing] });
    const w = watcher();
    node.submit(sign(node, alice, node.runtime.decorated.tx.subtensorModule!.setWeights!(1, [0], [1], 0)), w.watch);
    await w.done;
    const events = eventsAt(node, 1).filter((r) => r.phase.isApplyExtrinsic && r.phase.asApplyExtrinsic.toNumber() === 1);
    expect(events.map((r) => `${r.event.section}.${r.event.method}`))
      .toEqual(['subtensorModule.WeightsSet', 'transactionPayment.TransactionFeePaid', 'system.ExtrinsicSuccess']);
    expect(events[0]!.event.data.toJSON()).toEqual([1, 0]);
    // set_weights is Pays::No with the weight subtensor declares for it.
    expect((events[2]!.event.data[0]!.toJSON() as { paysFee: string }).paysFee).toBe('No');
    expect(node.state.get(key(node))).toBe(node.storage.encode('subtensorModule', 'tempo', 7));
  });

  it('a DispatchError: ExtrinsicFailed with the Module index and error index, writes and events rolled back, nonce used', async () => {
    node = await devnet({ modules: [failing] });
    const w = watcher();
    node.submit(sign(node, alice, node.runtime.decorated.tx.subtensorModule!.setWeights!(1, [0, 1], [1, 1], 0)), w.watch);
    expect((await w.done).at(-1)).toHaveProperty('finalized');
    expect(nonceOf(node, alice)).toBe(1);
    expect(node.state.get(key(node))).toBeNull();
    const events = eventsAt(node, 1).filter((r) => r.phase.isApplyExtrinsic && r.phase.asApplyExtrinsic.toNumber() === 1);
    expect(events.map((r) => `${r.event.section}.${r.event.method}`)).toEqual(['transactionPayment.TransactionFeePaid', 'system.ExtrinsicFailed']);
    const failed = events[1]!.event;
    const dispatchError = failed.data[0] as unknown as { isModule: boolean; asModule: { index: { toNumber(): number }; error: { toU8a(): Uint8Array } } };
    expect(dispatchError.isModule).toBe(true);
    const pallet = node.runtime.metadata.asLatest.pallets.find((p) => p.name.toString() === 'SubtensorModule')!;
    const errorIndex = node.runtime.decorated.errors.subtensorModule!.SettingWeightsTooFast!.meta.index.toNumber();
    expect(dispatchError.asModule.index.toNumber()).toBe(pallet.index.toNumber());
    expect(Array.from(dispatchError.asModule.error.toU8a())).toEqual([errorIndex, 0, 0, 0]);
    // The registry names it, as @polkadot/api does for a failed extrinsic.
    const meta = node.runtime.registry.findMetaError(dispatchError.asModule as never);
    expect(`${meta.section}.${meta.name}`).toBe('subtensorModule.SettingWeightsTooFast');
  });

  it('a call no module handles fails with System.CallFiltered', async () => {
    node = await devnet();
    const w = watcher();
    node.submit(sign(node, alice, node.runtime.decorated.tx.subtensorModule!.setWeights!(1, [0], [1], 0)), w.watch);
    await w.done;
    const failed = eventsAt(node, 1).at(-1)!.event;
    expect(failed.method).toBe('ExtrinsicFailed');
    const meta = node.runtime.registry.findMetaError((failed.data[0] as unknown as { asModule: never }).asModule);
    expect(`${meta.section}.${meta.name}`).toBe('system.CallFiltered');
    expect(nonceOf(node, alice)).toBe(1);
  });

  it('a module\'s on_initialize events come in phase Initialization', async () => {
    const logs: string[] = [];
    node = await devnet({
      log: (m) => logs.push(m),
      modules: [{ onInitialize: (block, deposit) => deposit({ pallet: 'subtensorModule', method: 'WeightsSet', data: [block.number, 0] }) }],
    });
    node.newBlock(2);
    const records = eventsAt(node, 2);
    expect(records[0]!.phase.isInitialization).toBe(true);
    expect(records[0]!.event.data.toJSON()).toEqual([2, 0]);
    expect(logs).toEqual([]);
  });
});

describe('admin', () => {
  it('newBlock answers the new head number and refuses a bad count', async () => {
    node = await devnet();
    expect(node.admin('newBlock', [3])).toBe(3);
    expect(node.admin('newBlock', [])).toBe(4);
    expect(() => node!.admin('newBlock', [0])).toThrow(/count/);
    expect(() => node!.admin('nope', [])).toThrow(RangeError);
  });

  it('setStorage writes and deletes keys in a new block', async () => {
    node = await devnet();
    const k = node.storage.key('subtensorModule', 'tempo', 3);
    const hash = node.admin('setStorage', [[[k, '0x0a00']]]);
    expect(hash).toBe(node.chain.head.hash);
    expect(node.state.get(k)).toBe('0x0a00');
    node.admin('setStorage', [[[k, null]]]);
    expect(node.state.get(k)).toBeNull();
    expect(node.state.get(k, 1)).toBe('0x0a00');
    expect(() => node!.admin('setStorage', [[['zz', '0x']]])).toThrow(/params\[0\]/);
  });

  it('timestamps rise and System.Number / Timestamp.Now follow each block', async () => {
    node = await devnet();
    node.newBlock(3);
    const now = (at: number): bigint => (node!.storage.decode('timestamp', 'now', node!.state.get(node!.storage.key('timestamp', 'now'), at)) as unknown as { toBigInt(): bigint }).toBigInt();
    expect(now(3)).toBeGreaterThan(now(2));
    expect(now(3)).toBe(BigInt(node.chain.head.timestamp));
  });
});
