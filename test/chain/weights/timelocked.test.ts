import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncMetagraph } from '../../../src/chain/index.js';
import { signWeightCall, WeightsPipeline } from '../../../src/chain/weights/index.js';
import { selectDevnetSpec } from '../../../src/devnet/index.js';
import { LocalBeacon } from '../../../src/devnet/index.js';
import { decodeWeightsPayload, decrypt, encrypt, firstRevealBlock } from '../../../src/timelock/index.js';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { devnetRpc, quiet, startHarness, type Harness } from './helpers.js';

/*
 * The pipeline's timelocked commit path on devnet serving spec 343 (which has commit_timelocked_weights): the
 * ciphertext is stored before signing, the commit lands once, the devnet reveals it when the pulse of its round is
 * stored (a local beacon with its own BLS key signs that round; devnet_storePulse stores it), and reconcile reads the
 * outcome. A deliberately corrupted commit is dropped silently by devnet, reconcile reports it and commits again.
 */

selectDevnetSpec(343);
const NETUID = 2;
const TEMPO = 10;
const config = {
  subnets: [{
    netuid: NETUID, tempo: TEMPO, commitRevealEnabled: true, revealPeriodEpochs: 1, weightsSetRateLimit: 0, minAllowedWeights: 1,
    neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob' }, { hotkey: '//Charlie' }],
  }],
};
const beacon = new LocalBeacon({ seed: new TextEncoder().encode('pipeline test beacon'), genesisMs: 0, periodMs: 3000 });
const plainEncrypt = (p: Uint8Array, r: bigint, pk: Uint8Array): Promise<Uint8Array> => Promise.resolve(encrypt(p, r, pk));

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function storePulse(round: bigint): Promise<void> {
  const p = beacon.pulse(round);
  await devnetRpc(h.conn, 'devnet_storePulse', [{ round: round.toString(), signature: u8aToHex(p.signature) }]);
}

async function aliceWeights(): Promise<Array<[number, number]>> {
  return (await syncMetagraph(h.conn, NETUID)).weights[0] as Array<[number, number]>;
}

describe('timelocked commits through the weight pipeline (devnet spec 343)', () => {
  it('commits timelocked (not v2) with the runtime\'s version; the devnet reveals at its round; reconcile says revealed', async () => {
    // The default encryption: the shared worker thread.
    const p = new WeightsPipeline(h.conn, h.store, h.keys.alice, { log: quiet, pollMs: 10, inclusionTimeoutMs: 10_000 }, { beaconPublicKey: beacon.publicKey });
    expect((await p.preview({ netuid: NETUID, uids: [1, 2], values: [65535, 30000] })).kind).toBe('commit_timelocked_weights');
    const landed = await p.submit({ netuid: NETUID, uids: [1, 2], values: [65535, 30000] });
    expect(landed.intent.kind).toBe('commit_timelocked_weights');
    expect(landed.intent.state).toBe('finalized');
    const t = h.store.timelock.get(landed.intent.id);
    expect(t.version).toBe(4); // CommitRevealWeightsVersion as stored by the spec-343 devnet
    // The stored ciphertext is the one on chain, and it opens with the round's pulse to exactly these weights.
    const chainXt = h.conn.api.createType('Extrinsic', landed.intent.extrinsicHex as string);
    expect(chainXt.method.method).toBe('commitTimelockedWeights');
    expect(u8aToHex(chainXt.method.args[1]!.toU8a(true))).toBe(t.ciphertext);
    const opened = decodeWeightsPayload(decrypt(hexToU8a(t.ciphertext), beacon.pulse(t.revealRound).signature));
    expect(opened).toEqual({ hotkey: h.keys.alice.publicKey, uids: [1, 2], values: [65535, 30000], versionKey: 0n });
    const first = firstRevealBlock(landed.intent.blockNumber as number, NETUID, TEMPO, 1);
    expect(landed.revealWindow).toEqual({ first, last: first + TEMPO });
    expect(t.firstRevealBlock).toBe(first);

    // Before the reveal epoch: waiting.
    expect((await p.reconcileTimelocked())[0]).toMatchObject({ kind: 'waiting', until: first });
    // In the reveal epoch without the pulse: kept, still waiting.
    await h.advanceTo(first);
    expect((await p.reconcileTimelocked())[0]).toMatchObject({ kind: 'waiting' });
    expect(await aliceWeights()).toEqual([]);
    const before = await h.head();
    await storePulse(t.revealRound);
    await h.advanceTo((await h.head()) + 1);
    const r = await p.reconcileTimelocked();
    expect(r).toEqual([{ kind: 'revealed', commitIntentId: landed.intent.id, block: expect.any(Number) as number }]);
    const at = (r[0] as { block: number }).block;
    expect(at > before && at <= (await h.head())).toBe(true);
    expect(await aliceWeights()).toEqual([[1, 65535], [2, 30000]]);
    expect(h.store.timelock.get(landed.intent.id).status).toBe('revealed');
    expect(await p.reconcileTimelocked()).toEqual([]);
  }, 120_000);

  it('resume commits the stored ciphertext: a planned intent is signed from it, a signed one sends the same bytes', async () => {
    const p = new WeightsPipeline(h.conn, h.store, h.keys.alice, { log: quiet, pollMs: 10, inclusionTimeoutMs: 10_000 }, { beaconPublicKey: beacon.publicKey, encrypt: plainEncrypt });
    const chain = h.conn.api.genesisHash.toHex();
    // What commitTimelocked leaves when the process dies between signing and sending: the bytes are stored.
    const ct2 = u8aToHex(encrypt(new Uint8Array(60).fill(8), 6n, beacon.publicKey));
    const signedIntent = h.store.db.transaction(() => {
      const i = h.store.intents.create({ kind: 'commit_timelocked_weights', chain, netuid: NETUID, hotkey: h.keys.alice.address, uids: [2], values: [65535], versionKey: 0n });
      h.store.timelock.save(i.id, { ciphertext: ct2, revealRound: 6n, version: 4, plannedBlock: 0 });
      return i;
    })();
    const head = await h.conn.api.rpc.chain.getHeader();
    const sig = await signWeightCall(h.conn, h.keys.alice, { kind: 'commit_timelocked_weights', netuid: NETUID, ciphertext: ct2, revealRound: 6n, version: 4 }, 64, { number: head.number.toNumber(), hash: head.hash.toHex() });
    h.store.intents.sign(signedIntent.id, { nonce: sig.nonce, eraBirth: sig.eraBirth, eraPeriod: sig.eraPeriod, extrinsicHex: sig.hex, extrinsicHash: sig.hash });
    const r0 = await p.resume();
    const sent = r0.intents.find((x) => x.intent.id === signedIntent.id);
    expect(sent?.failure).toBeNull();
    expect(sent?.intent.extrinsicHash).toBe(sig.hash);
    // And what it leaves when the process dies right after its transaction (nothing signed yet).
    const ct = u8aToHex(encrypt(new Uint8Array(60).fill(7), 5n, beacon.publicKey));
    const planned = h.store.db.transaction(() => {
      const i = h.store.intents.create({ kind: 'commit_timelocked_weights', chain, netuid: NETUID, hotkey: h.keys.alice.address, uids: [1], values: [65535], versionKey: 0n });
      h.store.timelock.save(i.id, { ciphertext: ct, revealRound: 5n, version: 4, plannedBlock: 0 });
      return i;
    })();
    const r = await p.resume();
    const done = r.intents.find((x) => x.intent.id === planned.id);
    expect(done?.failure).toBeNull();
    const xt = h.conn.api.createType('Extrinsic', done!.intent.extrinsicHex as string);
    expect(u8aToHex(xt.method.args[1]!.toU8a(true))).toBe(ct);
    expect(xt.method.args[2]!.toString()).toBe('5');
    // The chain holds exactly one commit with these bytes.
    const epochs = (await h.conn.api.query.subtensorModule!.timelockedWeightCommits!.entries(NETUID)) as unknown as Array<[unknown, { toJSON(): unknown }]>;
    const all = epochs.flatMap(([, v]) => (v.toJSON() as Array<[string, unknown, string, unknown]>).map((e) => e[2].toLowerCase()));
    expect(all.filter((c) => c === ct)).toHaveLength(1);
    expect(all.filter((c) => c === ct2)).toHaveLength(1);
    expect(h.store.timelock.get(planned.id).firstRevealBlock).toBe(firstRevealBlock(done!.intent.blockNumber as number, NETUID, TEMPO, 1));
  }, 120_000);

  it('a corrupted commit is dropped silently by devnet; reconcile reports it and commits the same weights again, which reveal', async () => {
    let corruptNext = true;
    const corrupting = (pl: Uint8Array, r: bigint, pk: Uint8Array): Promise<Uint8Array> => {
      const ct = encrypt(pl, r, pk);
      if (corruptNext) ct[200] = (ct[200] as number) ^ 1; // inside the AES-GCM body: the tag no longer verifies
      corruptNext = false;
      return Promise.resolve(ct);
    };
    const logs: string[] = [];
    const p = new WeightsPipeline(h.conn, h.store, h.keys.alice, { log: (l) => logs.push(l), pollMs: 10, inclusionTimeoutMs: 10_000 }, { beaconPublicKey: beacon.publicKey, encrypt: corrupting });
    const landed = await p.submit({ netuid: NETUID, uids: [0, 2], values: [20000, 65535] });
    const t = h.store.timelock.get(landed.intent.id);
    await storePulse(t.revealRound);
    await h.advanceTo(t.firstRevealBlock as number);
    const r = (await p.reconcileTimelocked()).filter((x) => x.commitIntentId === landed.intent.id);
    expect(r).toHaveLength(1);
    const d = r[0]!;
    expect(d.kind).toBe('dropped');
    if (d.kind !== 'dropped') return;
    expect(d.reason).toMatch(/dropped/);
    expect(d.recommit?.failure).toBeNull();
    const again = d.recommit!.intent;
    expect(again.kind).toBe('commit_timelocked_weights');
    expect([again.uids, again.values]).toEqual([[0, 2], [20000, 65535]]);
    expect(h.store.timelock.get(landed.intent.id)).toMatchObject({ status: 'dropped', recommitIntentId: again.id });
    expect(logs.some((l) => l.includes('dropped by the chain'))).toBe(true);
    // The weights on chain are still the first test's: the corrupted commit set nothing.
    expect(await aliceWeights()).toEqual([[1, 65535], [2, 30000]]);

    const t2 = h.store.timelock.get(again.id);
    expect(t2.ciphertext).not.toBe(t.ciphertext);
    await storePulse(t2.revealRound);
    await h.advanceTo(t2.firstRevealBlock as number);
    expect((await p.reconcileTimelocked()).find((x) => x.commitIntentId === again.id)).toMatchObject({ kind: 'revealed' });
    expect(await aliceWeights()).toEqual([[0, 20000], [2, 65535]]);
  }, 120_000);
});
