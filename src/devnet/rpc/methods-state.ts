import { hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { BlockRecord } from '../chain.js';
import type { Hex } from '../storage-codec.js';
import { blockAt, knownBlock } from './block-at.js';
import type { CallContext, MethodDef, RpcDef } from './method-types.js';
import type { ServedNode } from './node-extensions.js';
import type { Params } from './params.js';
import {
  invalidBlockRange,
  invalidParams,
  invalidCount,
  prunedBlock,
  reversedBlockRange,
  unknownBlockApi,
  unknownBlockState,
} from './rpc-error.js';

/*
 * state_*: storage at the best block or at any block by hash, key listing, change sets over block ranges, the runtime
 * (metadata and version, the same at every block), and storage and runtime-version subscriptions. Answers follow
 * sc-rpc's full-node backend (substrate/client/rpc/src/state/state_full.rs), including its errors.
 */

/** sc-rpc's cap on state_getKeysPaged's count. */
export const STORAGE_KEYS_PAGED_MAX_COUNT = 1000;

/**
 * The most storage reads one state_queryStorage may make (keys × blocks): the reply is capped only once built, and a
 * long range over many keys would hold the event loop and build a huge answer first. sc-rpc has no such bound; a
 * devnet serving one machine's tools needs no larger query.
 */
export const QUERY_STORAGE_MAX_READS = 1_000_000;

/** One storage change set as the node reports it: the block and [key, value or null] pairs. */
interface ChangeSetJson {
  block: Hex;
  changes: Array<[Hex, Hex | null]>;
}

const storageAt = (ctx: CallContext, p: Params, i: number): BlockRecord => blockAt(ctx.node, p.optHash(i), unknownBlockState);

/** Every key under `prefix` at block `at`, in order. */
function allKeys(ctx: CallContext, prefix: Hex, at: number): Hex[] {
  const out: Hex[] = [];
  let start: Hex | null = null;
  for (;;) {
    const page = ctx.node.state.keysPaged(prefix, STORAGE_KEYS_PAGED_MAX_COUNT, start, at);
    out.push(...page);
    if (page.length < STORAGE_KEYS_PAGED_MAX_COUNT) return out;
    start = page[page.length - 1] as Hex;
  }
}

/**
 * The change sets of `keys` over blocks from..to: at the first block every key, then a key only in the blocks where its
 * value differs from the block before; blocks without changes are left out (sc-rpc's query_storage_unfiltered).
 */
function queryRange(ctx: CallContext, keys: Hex[], from: Hex, to: Hex | null): ChangeSetJson[] {
  const chain = ctx.node.chain;
  const toBlock = to === null ? chain.head : knownBlock(ctx.node, to, 'state');
  const toText = toBlock?.hash ?? (to as Hex);
  const fromBlock = knownBlock(ctx.node, from, 'state');
  if (fromBlock === undefined) throw invalidBlockRange(from, toText, from);
  if (toBlock === undefined) throw invalidBlockRange(from, toText, toText);
  if (fromBlock.number > toBlock.number) throw reversedBlockRange(fromBlock, toBlock);
  if (chain.isPruned(fromBlock.number)) throw prunedBlock('state', fromBlock.number, fromBlock.hash, chain.keepBlocks ?? 0);
  const reads = keys.length * (toBlock.number - fromBlock.number + 1);
  if (reads > QUERY_STORAGE_MAX_READS) {
    throw invalidParams(`${keys.length} keys over ${toBlock.number - fromBlock.number + 1} blocks are ${reads} reads, over the devnet's limit of ${QUERY_STORAGE_MAX_READS}: query fewer keys or a shorter range`);
  }
  const last = new Map<Hex, Hex | null>();
  const out: ChangeSetJson[] = [];
  for (let n = fromBlock.number; n <= toBlock.number; n++) {
    const block = chain.blockAt(n) as BlockRecord;
    const changes: Array<[Hex, Hex | null]> = [];
    for (const key of keys) {
      const value = ctx.node.state.get(key, n);
      if (!last.has(key) || last.get(key) !== value) changes.push([key, value]);
      last.set(key, value);
    }
    if (changes.length > 0) out.push({ block: block.hash, changes });
  }
  return out;
}

/** A read of System.Events at a block releases the connection's finality holds on it, once the reply is out. */
function eventsRead(ctx: CallContext, hash: Hex): void {
  const gate = ctx.gate;
  if (gate !== null) ctx.afterReply(() => gate.opened(hash));
}

const stateMethod = (name: string, params: readonly string[], call: MethodDef['call'], aliases?: readonly string[]): MethodDef =>
  aliases === undefined ? { kind: 'method', name, params, call } : { kind: 'method', name, params, call, aliases };

/** The state_* methods and subscriptions; state_call only when the node can run runtime APIs. */
export function stateMethods(node: ServedNode): RpcDef[] {
  const eventsKey = u8aToHex(node.runtime.decorated.query.system?.events?.keyPrefix() ?? new Uint8Array()) as Hex;
  const defs: RpcDef[] = [
    stateMethod('state_getStorage', ['key', 'hash'], (ctx, p) => {
      const key = p.hex(0);
      const block = storageAt(ctx, p, 1);
      if (key === eventsKey) eventsRead(ctx, block.hash);
      return ctx.node.state.get(key, block.number);
    }, ['state_getStorageAt']),
    stateMethod('state_getStorageHash', ['key', 'hash'], (ctx, p) => {
      const key = p.hex(0);
      const value = ctx.node.state.get(key, storageAt(ctx, p, 1).number);
      return value === null ? null : blake2AsHex(hexToU8a(value), 256);
    }, ['state_getStorageHashAt']),
    stateMethod('state_getStorageSize', ['key', 'hash'], (ctx, p) => {
      const key = p.hex(0);
      const at = storageAt(ctx, p, 1).number;
      const value = ctx.node.state.get(key, at);
      if (value !== null) return (value.length - 2) / 2;
      // No value under the key itself: the node reads it as a prefix and sums the sizes under it.
      let sum = 0;
      for (const k of allKeys(ctx, key, at)) sum += ((ctx.node.state.get(k, at) ?? '0x').length - 2) / 2;
      return sum > 0 ? sum : null;
    }, ['state_getStorageSizeAt']),
    stateMethod('state_getKeys', ['prefix', 'hash'], (ctx, p) => {
      const prefix = p.hex(0);
      return allKeys(ctx, prefix, storageAt(ctx, p, 1).number);
    }),
    stateMethod('state_getPairs', ['prefix', 'hash'], (ctx, p) => {
      const prefix = p.hex(0);
      const at = storageAt(ctx, p, 1).number;
      return allKeys(ctx, prefix, at).map((k) => [k, ctx.node.state.get(k, at)]);
    }),
    stateMethod('state_getKeysPaged', ['prefix', 'count', 'start_key', 'hash'], (ctx, p) => {
      const prefix = p.optHex(0) ?? '0x';
      const count = p.u32(1);
      const startKey = p.optHex(2);
      const hash = p.optHash(3);
      if (count > STORAGE_KEYS_PAGED_MAX_COUNT) throw invalidCount(count, STORAGE_KEYS_PAGED_MAX_COUNT);
      const at = blockAt(ctx.node, hash, unknownBlockState).number;
      return count === 0 ? [] : ctx.node.state.keysPaged(prefix, count, startKey, at);
    }, ['state_getKeysPagedAt']),
    stateMethod('state_queryStorage', ['keys', 'block', 'hash'], (ctx, p) => {
      const keys = p.hexList(0);
      return queryRange(ctx, keys, p.hash(1), p.optHash(2));
    }),
    stateMethod('state_queryStorageAt', ['keys', 'at'], (ctx, p) => {
      const keys = p.hexList(0);
      const at = p.optHash(1) ?? ctx.node.chain.head.hash;
      const out = queryRange(ctx, keys, at, at);
      if (keys.includes(eventsKey)) eventsRead(ctx, at);
      return out;
    }),
    stateMethod('state_getMetadata', ['hash'], (ctx, p) => {
      blockAt(ctx.node, p.optHash(0), unknownBlockApi);
      return ctx.node.runtime.metadataHex;
    }),
    stateMethod('state_getRuntimeVersion', ['hash'], (ctx, p) => {
      blockAt(ctx.node, p.optHash(0), unknownBlockApi);
      return ctx.node.runtime.version;
    }, ['chain_getRuntimeVersion']),
    {
      kind: 'subscription',
      name: 'state_subscribeRuntimeVersion',
      aliases: ['chain_subscribeRuntimeVersion'],
      unsubscribe: 'state_unsubscribeRuntimeVersion',
      unsubscribeAliases: ['chain_unsubscribeRuntimeVersion'],
      notification: 'state_runtimeVersion',
      params: [],
      // The devnet never upgrades its runtime: the current version is the only notification.
      start: (ctx, _p, sink) => sink.send(ctx.node.runtime.version),
    },
    {
      kind: 'subscription',
      name: 'state_subscribeStorage',
      unsubscribe: 'state_unsubscribeStorage',
      notification: 'state_storage',
      params: ['keys'],
      start: (ctx, p, sink) => {
        const list = p.optHexList(0);
        // The first notification answers every key as listed (duplicates too, as the node does); later ones once each.
        const keys = list === null ? null : [...new Set(list)];
        if (list !== null && list.length > 0) {
          const head = ctx.node.chain.head;
          sink.send({ block: head.hash, changes: list.map((k) => [k, ctx.node.state.get(k, head.number)]) });
        }
        return ctx.feed.subscribe(({ block, changes }) => {
          const out: Array<[Hex, Hex | null]> = [];
          if (keys === null) {
            for (const [k, v] of changes) out.push([k, v]);
          } else {
            for (const k of keys) if (changes.has(k)) out.push([k, changes.get(k) ?? null]);
          }
          if (out.length > 0) sink.send({ block: block.hash, changes: out });
        });
      },
    },
  ];
  if (typeof node.runtimeCall === 'function') {
    defs.push(stateMethod('state_call', ['name', 'bytes', 'hash'], (ctx, p) => {
      const name = p.string(0);
      const bytes = p.hex(1);
      const at = storageAt(ctx, p, 2).number;
      return ctx.node.runtimeCall?.(name, bytes, at) ?? null;
    }, ['state_callAt']));
  }
  return defs;
}
