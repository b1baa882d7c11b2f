import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driveIntent, signWeightCall } from '../../../src/chain/weights/index.js';
import { startHarness, type Harness } from './helpers.js';

/*
 * Nonce and outdated handling: signed bytes whose nonce another extrinsic used are never sent blindly again. Sent for
 * the first time, the node answers "Transaction is outdated": the pipeline checks they are in no block, takes a fresh
 * nonce and signs once more. Recorded as sent before (a crash after the send), they are looked for by hash first, and
 * re-signed only because their nonce is provably used.
 */

const config = { subnets: [{ netuid: 1, tempo: 360, weightsSetRateLimit: 0, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

type Tx = Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>;

/** Another extrinsic of Alice's (a remark), included: it uses her next nonce. */
async function useAliceNonce(): Promise<void> {
  const x = (h.conn.api.tx as unknown as Record<string, Tx>)['system']!['remark']!('0x01');
  await new Promise<void>((resolve, reject) => {
    x.signAndSend(h.keys.alice, (r) => { if (r.status.isInBlock || r.status.isFinalized) resolve(); }).catch(reject);
  });
}

async function signedIntent(values: number[]): Promise<number> {
  const i = h.store.intents.create({ kind: 'set_weights', chain: h.conn.api.genesisHash.toHex(), netuid: 1, hotkey: h.keys.alice.address, uids: [0, 1], values, versionKey: 0n });
  const s = await signWeightCall(h.conn, h.keys.alice, { kind: 'set_weights', netuid: 1, uids: [0, 1], values, versionKey: 0n }, 64);
  h.store.intents.sign(i.id, { nonce: s.nonce, eraBirth: s.eraBirth, eraPeriod: s.eraPeriod, extrinsicHex: s.hex, extrinsicHash: s.hash });
  return i.id;
}

const ctx = (lines: string[]): Parameters<typeof driveIntent>[0] => ({
  conn: h.conn, store: h.store, pair: h.keys.alice,
  o: { eraPeriod: 64, inclusionTimeoutMs: 5_000, maxRetries: 3, backoffMs: 50, maxBackoffMs: 200, maxWaitMs: 5_000, pollMs: 10, historyDays: 0, log: (l) => lines.push(l), signal: null },
});

describe('stale nonces', () => {
  it('"Transaction is outdated" on the first send: checked unincluded, re-signed once with a fresh nonce, landed', async () => {
    const id = await signedIntent([65535, 11]);
    const oldHash = h.store.intents.get(id).extrinsicHash;
    await useAliceNonce();
    const lines: string[] = [];
    const out = await driveIntent(ctx(lines), id);
    expect(out.failure).toBeNull();
    expect(out.intent.state).toBe('finalized');
    expect(out.intent.extrinsicHash).not.toBe(oldHash);
    expect(lines.some((l) => /outdated.*signing again \(once\)/.test(l))).toBe(true);
  });

  it('sent before a crash, not in any block, nonce used since: re-signed (the old bytes can never land)', async () => {
    const id = await signedIntent([65535, 22]);
    h.store.intents.markSubmitted(id); // as if sent, then the process died
    await useAliceNonce();
    const out = await driveIntent(ctx([]), id);
    expect(out.intent.state).toBe('finalized');
    expect(out.intent.error).toMatch(/nonce \d+ was used by another extrinsic/);
  });

  it('sent before a crash and landed: found by its hash, not sent again', async () => {
    const id = await signedIntent([65535, 33]);
    const i = h.store.intents.markSubmitted(id);
    // The send of the crashed process reached the node.
    await h.conn.api.rpc.author.submitExtrinsic(h.conn.api.createType('Extrinsic', i.extrinsicHex!));
    const out = await driveIntent(ctx([]), id);
    expect(out.intent.state).toBe('finalized');
    expect(out.intent.attempts).toBe(1);
    expect(out.intent.extrinsicHash).toBe(i.extrinsicHash);
  });
});
