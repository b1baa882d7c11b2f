import { describeValue } from '../../errors/index.js';
import type { BlockRecord } from '../chain.js';
import type { Hex } from '../storage-codec.js';
import type { CallContext, RpcDef, SubscriptionDef } from './method-types.js';
import type { Params } from './params.js';
import { knownBlock } from './block-at.js';
import { RpcError, invalidParams, prunedBlock } from './rpc-error.js';

/*
 * chain_*: headers, blocks, hashes by number, and the head subscriptions. Every devnet block is final when produced,
 * so the finalized head is the best head and the three head subscriptions see the same headers. Each sends the
 * current head first, as a Substrate node does.
 */

const U32_MAX = 0xffffffffn;
const U64_MAX = 0xffffffffffffffffn;
const HEX_NUMBER = /^0x[0-9a-fA-F]{1,64}$/;

/**
 * A block number as sp_rpc's NumberOrHex: a JSON integer (u64) or a 0x-prefixed hex string (U256). Block numbers are
 * u32 in the database, so larger values are the chain module's error 3001, worded as the node words it.
 */
function blockNumber(v: unknown): number {
  let value: bigint;
  let debug: string;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && BigInt(v) <= U64_MAX) {
    value = BigInt(v);
    debug = `Number(${value})`;
  } else if (typeof v === 'string' && HEX_NUMBER.test(v)) {
    value = BigInt(v);
    debug = `Hex(${value})`;
  } else {
    throw invalidParams(`hash: expected a block number (a non-negative integer or 0x-prefixed hex), got ${describeValue(v)}`);
  }
  if (value > U32_MAX) throw new RpcError(3001, `\`${debug}\` > u32::MAX, the max block number is u32.`);
  return Number(value);
}

/** The hash of block `v`: null for a block not produced yet; an error (3000) for one pruned (--keep-blocks). */
function hashOf(ctx: CallContext, v: unknown): Hex | null {
  const chain = ctx.node.chain;
  const number = blockNumber(v);
  const block = chain.blockAt(number);
  if (block === undefined && chain.isPruned(number)) throw prunedBlock('chain', number, null, chain.keepBlocks ?? 0);
  return block?.hash ?? null;
}

function blockByOptHash(ctx: CallContext, p: Params): BlockRecord | null {
  const hash = p.optHash(0);
  if (hash === null) return ctx.node.chain.head;
  return knownBlock(ctx.node, hash, 'chain') ?? null;
}

/** A head subscription: the current head now, then every new block's header. */
function headSubscription(name: string, notification: string, unsubscribe: string, aliases: string[], unsubscribeAliases: string[]): SubscriptionDef {
  return {
    kind: 'subscription',
    name,
    aliases,
    unsubscribe,
    unsubscribeAliases,
    notification,
    params: [],
    start: (ctx, _p, sink) => {
      sink.send(ctx.node.chain.head.header);
      return ctx.feed.subscribe((_produced, headerJson) => sink.sendRaw(headerJson));
    },
  };
}

/** The chain_* methods and subscriptions. */
export function chainMethods(): RpcDef[] {
  return [
    { kind: 'method', name: 'chain_getHeader', params: ['hash'], call: (ctx, p) => blockByOptHash(ctx, p)?.header ?? null },
    {
      kind: 'method',
      name: 'chain_getBlock',
      params: ['hash'],
      call: (ctx, p) => {
        const b = blockByOptHash(ctx, p);
        return b === null ? null : { block: { header: b.header, extrinsics: b.extrinsics }, justifications: null };
      },
    },
    {
      kind: 'method',
      name: 'chain_getBlockHash',
      aliases: ['chain_getHead'],
      params: ['hash'],
      call: (ctx, p) => {
        if (p.isNone(0)) return ctx.node.chain.head.hash;
        const v = p.raw(0);
        return Array.isArray(v) ? v.map((n) => hashOf(ctx, n)) : hashOf(ctx, v);
      },
    },
    {
      kind: 'method',
      name: 'chain_getFinalizedHead',
      aliases: ['chain_getFinalisedHead'],
      params: [],
      call: (ctx) => ctx.node.chain.head.hash,
    },
    headSubscription('chain_subscribeAllHeads', 'chain_allHead', 'chain_unsubscribeAllHeads', [], []),
    headSubscription(
      'chain_subscribeNewHeads',
      'chain_newHead',
      'chain_unsubscribeNewHeads',
      ['subscribe_newHead', 'chain_subscribeNewHead'],
      ['unsubscribe_newHead', 'chain_unsubscribeNewHead'],
    ),
    headSubscription(
      'chain_subscribeFinalizedHeads',
      'chain_finalizedHead',
      'chain_unsubscribeFinalizedHeads',
      ['chain_subscribeFinalisedHeads'],
      ['chain_unsubscribeFinalisedHeads'],
    ),
  ];
}
