import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockNotFoundError, ChainConnection, decodeAxonIp, metagraphToEpochInput, SubnetNotFoundError, syncMetagraph } from '../../src/chain/index.js';
import type { Metagraph } from '../../src/chain/index.js';
import { createDevnet, epochInputAt, isEpochBlock, startRpcServer } from '../../src/devnet/index.js';
import type { RpcServer } from '../../src/devnet/index.js';
import { runEpoch } from '../../src/yuma/index.js';
import { buildKeys, u16Bytes } from '../../src/chain/storage/index.js';
import { decodeChecked, fastPairs } from '../../src/chain/scale-decode.js';
import type { QueryableStorageEntry } from '@polkadot/api/types';
import { decodeAddress } from '@polkadot/util-crypto';

/*
 * Metagraph sync against a devnet started here (blocks on demand): what the config registered, weights set by a
 * signed extrinsic, a read at a past block, and the epoch's results, checked against the devnet's own epoch input.
 */

const SN = 1; // commit-reveal off, epochs at blocks 3, 8, 13, ... ((b + 2) % 5 == 0)
const CR = 2; // commit-reveal on
const TEMPO = 4;
const config = {
  subnets: [
    {
      netuid: SN, tempo: TEMPO, weightsSetRateLimit: 0, minAllowedWeights: 1, maxAllowedValidators: 3, stakeThreshold: 100, ownerUid: 2,
      neurons: [
        { hotkey: '//Alice', stake: '1000000000000', permit: true, axon: { ip: '10.1.2.3', port: 8091 } },
        { hotkey: '//Bob', coldkey: '//Eve', stake: '500000000000', permit: true, axon: { ip: '2001:db8::1', port: 9000, version: 7, protocol: 3 } },
        { hotkey: '//Charlie', stake: 1000 },
        { hotkey: '//Dave', stake: 0, axon: { ip: '::ffff:192.168.0.9', port: 1 } },
      ],
    },
    {
      netuid: CR, tempo: 3, commitRevealEnabled: true, revealPeriodEpochs: 1, weightsSetRateLimit: 0, stakeThreshold: 100,
      neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Ferdie', stake: '7' }],
    },
  ],
};

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let conn: ChainConnection;
let alice: KeyringPair, bob: KeyringPair, charlie: KeyringPair, dave: KeyringPair, eve: KeyringPair, ferdie: KeyringPair;

const head = (): number => node.chain.head.number;
const advanceTo = (target: number): void => { if (target > head()) node.admin('newBlock', [target - head()]); };

/** Signs and sends a SubtensorModule call; resolves with its block number once finalized, or rejects with the module error. */
function send(method: string, args: unknown[], signer: KeyringPair): Promise<number> {
  const tx = (conn.api.tx as unknown as Record<string, Record<string, (...a: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']![method]!(...args);
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, (r) => {
      if (!r.status.isFinalized) return;
      if (r.dispatchError !== undefined) reject(new Error(r.dispatchError.toString()));
      else void conn.api.rpc.chain.getHeader(r.status.asFinalized).then((h) => resolve(h.number.toNumber()), reject);
    }).catch(reject);
  });
}

/** The stored u16 results of the epoch of `block`, as EpochOutput fields, from a metagraph synced at that block. */
function stored(m: Metagraph): Record<string, unknown> {
  return {
    active: m.active, validatorPermit: m.validatorPermit, consensus: m.consensus, incentive: m.incentive, dividends: m.dividends,
    validatorTrust: m.validatorTrust, emission: m.emission.map(String),
  };
}

beforeAll(async () => {
  node = await createDevnet({ config, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
  conn = await ChainConnection.open({ url: server.url, log: () => {} });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const pair = (uri: string): KeyringPair => keyring.addFromUri(uri);
  [alice, bob, charlie, dave, eve, ferdie] = [pair('//Alice'), pair('//Bob'), pair('//Charlie'), pair('//Dave'), pair('//Eve'), pair('//Ferdie')];
}, 30_000);

afterAll(async () => {
  await conn?.close();
  await server?.close();
  await node?.close();
});

describe('syncMetagraph', () => {
  it('matches what the config registered: hotkeys, coldkeys, stake, axons (IPv4 and IPv6), permits, owner', async () => {
    const m = await syncMetagraph(conn, SN);
    expect(m.block).toBe(head());
    expect(m.n).toBe(4);
    expect(m.hotkeys).toEqual([alice.address, bob.address, charlie.address, dave.address]);
    expect(m.coldkeys).toEqual([alice.address, eve.address, charlie.address, dave.address]);
    expect(m.stake).toEqual([1_000_000_000_000n, 500_000_000_000n, 1000n, 0n]);
    expect(m.stakeSource).toBe('TotalHotkeyAlpha');
    expect(m.axons).toEqual([
      { ip: '10.1.2.3', ipType: 4, port: 8091, version: 0, protocol: 4, block: 0 },
      { ip: '2001:db8::1', ipType: 6, port: 9000, version: 7, protocol: 3, block: 0 },
      null,
      { ip: '::ffff:192.168.0.9', ipType: 6, port: 1, version: 0, protocol: 4, block: 0 },
    ]);
    expect(m.validatorPermit).toEqual([true, true, false, false]);
    expect(m.active).toEqual([true, true, true, true]);
    expect(m.blockAtRegistration).toEqual([0, 0, 0, 0]);
    expect(m.stakeThreshold).toBe(100n);
    expect([m.ownerHotkey, m.ownerUid]).toEqual([charlie.address, 2]);
    expect(m.hyperparams.tempo).toBe(TEMPO);
    expect(m.hyperparams.defaulted).toEqual(['yuma3']);
  });

  it('shows weights set by a signed extrinsic, and the state before them at an older block (by number or hash)', async () => {
    advanceTo(4); // past the first epoch, well before the next
    const before = head();
    const block = await send('setWeights', [SN, [1, 2], [100, 200], 0], alice);
    expect(block).toBe(before + 1);
    const now = await syncMetagraph(conn, SN);
    expect(now.weights[0]).toEqual([[1, 32768], [2, 65535]]);
    expect(now.lastUpdate[0]).toBe(block);
    const old = await syncMetagraph(conn, SN, { at: before });
    expect(old.block).toBe(before);
    expect(old.weights[0]).toEqual([]);
    expect(old.lastUpdate[0]).toBe(0);
    const byHash = await syncMetagraph(conn, SN, { at: old.blockHash });
    expect(byHash).toEqual(old);
  });

  it('after an epoch block, holds what the epoch stored, and its EpochInput replays that epoch exactly', async () => {
    await send('setWeights', [SN, [0, 2, 3], [10, 30, 60], 0], bob);
    let epoch = head() + 1;
    while (!isEpochBlock(SN, TEMPO, epoch)) epoch++;
    advanceTo(epoch);
    const before = await syncMetagraph(conn, SN, { at: epoch - 1 });
    const after = await syncMetagraph(conn, SN, { at: epoch });
    const input = metagraphToEpochInput(before);
    expect(input.block).toBe(epoch);
    // The devnet's own epoch input, less what spec 233 cannot show (configuration-only, left to the contract defaults).
    const { yuma3, alphaSigmoidSteepness, activityCutoffFactorMilli, raoEmission, commitBlock, ...devnet } = epochInputAt(node.state, epoch, SN);
    expect([yuma3, alphaSigmoidSteepness, activityCutoffFactorMilli, raoEmission]).toEqual([false, 1000, 13889, '1000000000']);
    expect(commitBlock).toEqual([null, null, null, null]);
    expect(input).toEqual(devnet);
    const out = runEpoch(input, { mode: 'exact' }) as Awaited<ReturnType<typeof runEpoch>>;
    expect(stored(after)).toEqual({
      active: out.active, validatorPermit: out.validatorPermit, consensus: out.consensus, incentive: out.incentive, dividends: out.dividends,
      validatorTrust: out.validatorTrust, emission: out.emission,
    });
    expect(after.incentive.some((x) => x > 0)).toBe(true);
    expect(after.lastMechanismStepBlock).toBe(epoch);
    // Bonds are stored for the uids with a new permit.
    out.validatorPermit.forEach((p, uid) => { if (p) expect(after.bonds[uid]).toEqual(out.bonds[uid]); });
  });

  it('reads the stored weight commits and gives the epoch the earliest unexpired commit block', async () => {
    const hash = `0x${'ab'.repeat(32)}`;
    const block = await send('commitWeights', [CR, hash], alice);
    let epoch = head() + 1;
    while (!isEpochBlock(CR, 3, epoch)) epoch++;
    advanceTo(epoch);
    const m = await syncMetagraph(conn, CR, { at: epoch - 1 });
    expect(m.hyperparams.commitRevealEnabled).toBe(true);
    expect(m.hotkeys).toEqual([alice.address, ferdie.address]);
    expect(m.commitBlocks).toEqual([[block], []]);
    const input = metagraphToEpochInput(m);
    const { yuma3: _y, alphaSigmoidSteepness: _a, activityCutoffFactorMilli: _f, raoEmission: _r, ...devnet } = epochInputAt(node.state, epoch, CR);
    expect(input.commitBlock).toEqual([block, null]);
    expect(input).toEqual(devnet);
  });

  it('refuses a missing subnet, an unknown block, and a bad netuid', async () => {
    await expect(syncMetagraph(conn, 77)).rejects.toBeInstanceOf(SubnetNotFoundError);
    await expect(syncMetagraph(conn, 77)).rejects.toThrow(/subnet 77 does not exist/);
    await expect(syncMetagraph(conn, SN, { at: head() + 100 })).rejects.toBeInstanceOf(BlockNotFoundError);
    await expect(syncMetagraph(conn, SN, { at: `0x${'11'.repeat(32)}` })).rejects.toBeInstanceOf(BlockNotFoundError);
    await expect(syncMetagraph(conn, 70000)).rejects.toThrow(/option netuid/);
  });
});

describe('decodeAxonIp', () => {
  it('writes IPv4 dotted and IPv6 in RFC 5952 form', () => {
    expect(decodeAxonIp(0n, 0)).toEqual({ ip: '0.0.0.0', ipType: 4 });
    expect(decodeAxonIp(0xffffffffn, 4)).toEqual({ ip: '255.255.255.255', ipType: 4 });
    expect(decodeAxonIp(1n, 6).ip).toBe('::1');
    expect(decodeAxonIp(0n, 6).ip).toBe('::');
    expect(decodeAxonIp(0x20010db8000000000001000000000001n, 6).ip).toBe('2001:db8::1:0:0:1');
    expect(decodeAxonIp(0x20010db8000100000000000000000000n, 6).ip).toBe('2001:db8:1::');
    expect(decodeAxonIp(0x20010db8000000010001000100010001n, 6).ip).toBe('2001:db8:0:1:1:1:1:1');
    // Without a stored type, the value decides, as the SDK does.
    expect(decodeAxonIp(1n << 64n, 0)).toEqual({ ip: '0:0:0:1::', ipType: 6 });
    expect(() => decodeAxonIp(1n << 128n, 6)).toThrow(RangeError);
  });
});

describe('the bulk read safeguards', () => {
  const entry = (name: string): QueryableStorageEntry<'promise'> =>
    (conn.api.query as unknown as Record<string, Record<string, QueryableStorageEntry<'promise'>>>)['subtensorModule']![name]!;

  it('builds the keys @polkadot/api builds (Blake2_128Concat + Identity), and falls back to it when told wrong bytes', () => {
    const alpha = entry('totalHotkeyAlpha');
    const hotkeys = [alice.address, bob.address];
    const keys = buildKeys(alpha, hotkeys.map((h) => [decodeAddress(h), u16Bytes(SN)]), (i) => [hotkeys[i], SN]);
    expect(keys).toEqual(hotkeys.map((h) => alpha.key(h, SN)));
    // Arguments whose bytes do not give @polkadot/api's first key: every key comes from @polkadot/api.
    const wrong = buildKeys(alpha, hotkeys.map((h) => [decodeAddress(h), u16Bytes(SN + 1)]), (i) => [hotkeys[i], SN]);
    expect(wrong).toEqual(keys);
  });

  it('decodes by hand only when the hand decoder agrees with the registry on the first value', () => {
    const weights = entry('weights');
    const values = [conn.api.registry.createType('Vec<(u16,u16)>', [[1, 2], [3, 65535]]).toHex(), conn.api.registry.createType('Vec<(u16,u16)>', []).toHex()];
    const slow = (c: { toJSON(): unknown }): Array<[number, number]> => c.toJSON() as Array<[number, number]>;
    expect(decodeChecked(conn.api.registry, weights, values, fastPairs, slow)).toEqual([[[1, 2], [3, 65535]], []]);
    // A hand decoder that disagrees is not used at all.
    const broken = (): Array<[number, number]> => [[9, 9]];
    expect(decodeChecked(conn.api.registry, weights, values, broken, slow)).toEqual([[[1, 2], [3, 65535]], []]);
  });
});
