import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHyperparams, readWeightsChainState, syncMetagraph } from '../../../src/chain/index.js';
import { BlockNotFoundError, ChainRuntimeError, readStorageAt, resolveBlock } from '../../../src/chain/storage/index.js';
import { startHarness, type Harness } from '../weights/helpers.js';

/*
 * The storage layer's block policy, on a devnet: a read pinned to a block (here the finalized head's hash, or its
 * number) answers that block's state after the best head has moved on and the item changed; 'best' and 'finalized'
 * follow the node's own heads; every reader of the same item (the decorated strategy behind readHyperparams and
 * syncMetagraph, the one-request strategy behind readWeightsChainState) gives it the same value and type.
 */

const SN = 5;
const RATE_BEFORE = 7;
const RATE_AFTER = 99;

let h: Harness;
let alice: string;

/** A u64 as SCALE (little endian), independent of @polkadot/api's encoder. */
function u64Hex(v: number): string {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return `0x${b.toString('hex')}`;
}

beforeAll(async () => {
  h = await startHarness({ subnets: [{ netuid: SN, tempo: 12, weightsSetRateLimit: RATE_BEFORE, neurons: [{ hotkey: '//Alice', stake: 1, permit: true }] }] });
  alice = h.keys.alice.address;
}, 30_000);

afterAll(async () => {
  await h?.close();
});

describe('the storage block policy', () => {
  it('a read at a finalized block hash (or its number) answers that block after the best head moved and the item changed', async () => {
    h.node.admin('newBlock', [2]);
    const fin = await resolveBlock(h.conn, 'finalized');
    const finalizedHash = (await h.conn.api.rpc.chain.getFinalizedHead()).toHex();
    expect(fin.hash).toBe(finalizedHash);
    expect(fin.number).toBe((await h.conn.api.rpc.chain.getHeader(finalizedHash)).number.toNumber());

    const key = h.conn.api.query['subtensorModule']!['weightsSetRateLimit']!.key(SN);
    h.node.admin('setStorage', [[[key, u64Hex(RATE_AFTER)]]]);
    h.node.admin('newBlock', [3]);
    const best = await resolveBlock(h.conn, 'best');
    expect(best.number).toBeGreaterThanOrEqual(fin.number + 4);

    // Pinned reads, through both strategies and by hash or number: the value of the finalized block read earlier.
    expect((await readHyperparams(h.conn, SN, fin.hash)).weightsSetRateLimit).toBe(BigInt(RATE_BEFORE));
    expect((await readHyperparams(h.conn, SN, fin.number)).weightsSetRateLimit).toBe(BigInt(RATE_BEFORE));
    expect((await syncMetagraph(h.conn, SN, { at: fin.hash })).hyperparams.weightsSetRateLimit).toBe(BigInt(RATE_BEFORE));
    const pinned = await readWeightsChainState(h.conn, SN, alice, fin.hash);
    expect([pinned.block, pinned.blockHash, pinned.weightsSetRateLimit]).toEqual([fin.number, fin.hash, BigInt(RATE_BEFORE)]);

    // The heads: both see the new value (the devnet finalizes each block as it is produced).
    expect((await readHyperparams(h.conn, SN, 'best')).weightsSetRateLimit).toBe(BigInt(RATE_AFTER));
    const now = await readWeightsChainState(h.conn, SN, alice);
    expect(now.block).toBeGreaterThan(fin.number);
    expect(now.weightsSetRateLimit).toBe(BigInt(RATE_AFTER));
    expect((await readHyperparams(h.conn, SN, 'finalized')).weightsSetRateLimit).toBe(BigInt(RATE_AFTER));
  });

  it('both strategies give every item they share the same value and type at one block', async () => {
    const at = await resolveBlock(h.conn, 'best');
    const hp = await readHyperparams(h.conn, SN, at.hash);
    const s = await readWeightsChainState(h.conn, SN, alice, at.hash);
    for (const k of ['tempo', 'weightsSetRateLimit', 'weightsVersionKey', 'minAllowedWeights', 'maxWeightsLimit', 'commitRevealEnabled', 'revealPeriodEpochs'] as const) {
      expect([k, typeof s[k], s[k]]).toEqual([k, typeof hp[k], hp[k]]);
    }
  });

  it('refuses an unknown block and a missing item with typed errors', async () => {
    for (const at of ['latest', `0x${'ab'.repeat(32)}`, 10_000_000, -1]) {
      const err = await resolveBlock(h.conn, at).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlockNotFoundError);
      expect((err as BlockNotFoundError).code).toBe('ERR_BLOCK_NOT_FOUND');
    }
    const at = await resolveBlock(h.conn, 'best');
    const err = await readStorageAt(h.conn.api, at.hash, [['subtensorModule', 'noSuchItem', []]]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainRuntimeError);
    expect((err as ChainRuntimeError).message).toMatch(/subtensorModule\.noSuchItem/);
  });
});
