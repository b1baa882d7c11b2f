import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../../src/devnet/node.js';
import { TxRejected } from '../../../src/devnet/node-types.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { devnet, eventsAt, nonceOf, pair, settle, sign, watcher } from './signing.js';

// The submission checks against extrinsics signed as @polkadot/api signs them: the codes, messages and data a
// Substrate node answers with (author/error.rs, sp-runtime InvalidTransaction).

function rejection(f: () => unknown): { rpcCode: number; message: string; data: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof TxRejected) return { rpcCode: e.rpcCode, message: e.message, data: e.data };
    throw e;
  }
  throw new Error('expected a TxRejected');
}

const invalid = (data: string): { rpcCode: number; message: string; data: string } => ({ rpcCode: 1010, message: 'Invalid Transaction', data });

let node: Devnet;
const alice = pair('//Alice');
const remark = (text: string): ReturnType<Devnet['runtime']['decorated']['tx'][string][string]> =>
  node.runtime.decorated.tx.system!.remark!(u8aToHex(new TextEncoder().encode(text)));

beforeAll(async () => {
  node = await devnet();
  node.newBlock(3);
});
afterAll(async () => node.close());

describe('a good extrinsic', () => {
  it('is accepted, included in the next block with ExtrinsicSuccess, and the nonce becomes 1', async () => {
    const w = watcher();
    const before = node.chain.head.number;
    const hash = node.submit(sign(node, alice, remark('hello')), w.watch);
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    const statuses = await w.done;
    const head = node.chain.head;
    expect(head.number).toBe(before + 1);
    expect(statuses).toEqual(['ready', { inBlock: head.hash }, { finalized: head.hash }]);
    expect(nonceOf(node, alice)).toBe(1);
    // The block holds the Timestamp.set inherent first, then the extrinsic.
    expect(head.extrinsics).toHaveLength(2);
    expect(node.runtime.registry.createType('Extrinsic', head.extrinsics[1]).hash.toHex()).toBe(hash);
    const events = eventsAt(node, head.number);
    const names = events.map((r) => `${r.phase.toString()} ${r.event.section}.${r.event.method}`);
    expect(names).toEqual([
      '{"applyExtrinsic":0} system.ExtrinsicSuccess',
      '{"applyExtrinsic":1} transactionPayment.TransactionFeePaid',
      '{"applyExtrinsic":1} system.ExtrinsicSuccess',
    ]);
    const success = events[2]!.event;
    expect(node.runtime.decorated.events.system!.ExtrinsicSuccess!.is(success)).toBe(true);
    expect((success.data[0]!.toJSON() as { class: string }).class).toBe('Normal');
    // Every block is final, and the chain state records the block.
    expect(node.state.get(node.storage.key('system', 'number'))).toBe(node.storage.encode('system', 'number', head.number));
    expect(node.state.get(node.storage.key('system', 'blockHash', head.number - 1))).toBe(node.chain.blockAt(head.number - 1)!.hash);
  });

  it('is accepted when signed with ed25519 and ecdsa keys', async () => {
    for (const type of ['ed25519', 'ecdsa'] as const) {
      const p = pair('//Bob', type);
      const w = watcher();
      node.submit(sign(node, p, remark(type)), w.watch);
      const statuses = await w.done;
      expect(statuses.at(-1)).toHaveProperty('finalized');
      expect(nonceOf(node, p)).toBe(1);
    }
  });

  it('is accepted with a mortal era signed at a recent block', async () => {
    const at = node.chain.head.number;
    const w = watcher();
    node.submit(sign(node, alice, remark('mortal'), { mortal: { at, period: 64 } }), w.watch);
    expect((await w.done).at(-1)).toHaveProperty('finalized');
  });

  it('answers a long call (payload over 256 bytes, signed as its blake2_256 hash)', async () => {
    const w = watcher();
    node.submit(sign(node, alice, remark('x'.repeat(600))), w.watch);
    expect((await w.done).at(-1)).toHaveProperty('finalized');
  });
});

describe('refusals', () => {
  it('a bad signature: 1010 "Transaction has a bad signature"', () => {
    const xt = node.runtime.registry.createType('Extrinsic', sign(node, alice, remark('tampered')));
    // The signature is a fixed-size byte array: flip its first byte in place.
    xt.signature[0] = xt.signature[0]! ^ 0xff;
    const bytes = xt.toU8a();
    expect(rejection(() => node.submit(u8aToHex(bytes) as Hex))).toEqual(invalid('Transaction has a bad signature'));
  });

  it('a signature by another key: bad signature', () => {
    const bob = pair('//Bob');
    const xt = node.runtime.registry.createType('Extrinsic', sign(node, bob, remark('x')));
    const forged = node.runtime.registry.createType('Extrinsic', sign(node, alice, remark('x')));
    // Bob's signature under Alice's address.
    forged.signature.set(xt.signature);
    expect(rejection(() => node.submit(forged.toHex() as Hex))).toEqual(invalid('Transaction has a bad signature'));
  });

  it('a stale nonce: 1010 "Transaction is outdated"', () => {
    expect(nonceOf(node, alice)).toBeGreaterThan(0);
    expect(rejection(() => node.submit(sign(node, alice, remark('old'), { nonce: 0 })))).toEqual(invalid('Transaction is outdated'));
  });

  it('the wrong genesis hash: bad signature', () => {
    const wrong = `0x${'ab'.repeat(32)}` as Hex;
    expect(rejection(() => node.submit(sign(node, alice, remark('g'), { genesisHash: wrong })))).toEqual(invalid('Transaction has a bad signature'));
  });

  it('a mortal era born at a block that does not exist yet: "Transaction has an ancient birth block"', () => {
    const at = node.chain.head.number + 5;
    const xt = sign(node, alice, remark('future birth'), { mortal: { at, period: 64, blockHash: node.chain.head.hash } });
    expect(rejection(() => node.submit(xt))).toEqual(invalid('Transaction has an ancient birth block'));
  });

  it('a mortal era signed over a block hash the chain does not have: bad signature', () => {
    const at = node.chain.head.number;
    const xt = sign(node, alice, remark('unknown birth'), { mortal: { at, period: 64, blockHash: `0x${'cd'.repeat(32)}` as Hex } });
    expect(rejection(() => node.submit(xt))).toEqual(invalid('Transaction has a bad signature'));
  });

  it('CheckMetadataHash mode 1 with a hash: bad signature (the runtime has no metadata hash built in)', () => {
    const xt = sign(node, alice, remark('m'), { metadataHash: `0x${'11'.repeat(32)}` as Hex });
    expect(rejection(() => node.submit(xt))).toEqual(invalid('Transaction has a bad signature'));
  });

  it('an unsigned call: 1011 NoUnsignedValidator; the timestamp inherent: MandatoryValidation', () => {
    const { registry, decorated } = node.runtime;
    expect(rejection(() => node.submit(registry.createType('Extrinsic', remark('u')).toHex() as Hex)))
      .toEqual({ rpcCode: 1011, message: 'Unknown Transaction Validity', data: 'NoUnsignedValidator' });
    expect(rejection(() => node.submit(registry.createType('Extrinsic', decorated.tx.timestamp!.set!(1)).toHex() as Hex)))
      .toEqual(invalid('Transaction dispatch is mandatory; transactions must not be validated.'));
  });

  it('garbage: 1040 Client error (submit) or 1001 invalid format (submit and watch)', () => {
    expect(rejection(() => node.submit('0x1234' as Hex)).rpcCode).toBe(1040);
    expect(rejection(() => node.submit('0x1234' as Hex, () => undefined)).rpcCode).toBe(1001);
    expect(rejection(() => node.submit('nothex' as Hex)).message).toMatch(/^Client error: /);
    const good = sign(node, alice, remark('trailing'));
    expect(rejection(() => node.submit(`${good}00` as Hex)).message).toMatch(/1 bytes after the end/);
  });

  it('a duplicate in the pool: 1013; the same extrinsic once included: 1012 temporarily banned', async () => {
    const xt = sign(node, alice, remark('dup'), { nonce: nonceOf(node, alice) + 1 });
    const hash = node.submit(xt);
    expect(rejection(() => node.submit(xt))).toEqual({ rpcCode: 1013, message: 'Transaction Already Imported', data: hash });
    const filler = sign(node, alice, remark('fill'));
    node.submit(filler);
    await settle();
    expect(node.pending()).toEqual([]);
    expect(rejection(() => node.submit(filler))).toEqual({ rpcCode: 1012, message: 'Transaction is temporarily banned', data: '' });
  });
});
