import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { ISubmittableResult } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevnet } from '../../src/devnet/node.js';
import { startRpcServer } from '../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../src/devnet/rpc/index.js';
import type { Hex } from '../../src/devnet/storage-codec.js';
import { commitHash, epochInputAt } from '../../src/devnet/subtensor/index.js';
import { runEpoch } from '../../src/yuma/index.js';

/*
 * Issue 6, "Done means" 1 and 2, end to end: the devnet node and its JSON-RPC server, driven by plain @polkadot/api
 * (ApiPromise + WsProvider) as a validator drives a real subtensor node. Blocks are produced on demand: one after each
 * accepted extrinsic, more through devnet_newBlock.
 */

const SN = 1; // commit-reveal off
const CR = 2; // commit-reveal on, reveal one epoch later
const config = {
  subnets: [
    {
      netuid: SN, tempo: 6, weightsSetRateLimit: 3, minAllowedWeights: 2, weightsVersionKey: 5, maxAllowedValidators: 2, kappa: 32767, yuma3: true,
      neurons: [
        { hotkey: '//Alice', stake: '1000000000000', permit: true, axon: { ip: '10.1.2.3', port: 8091 } },
        { hotkey: '//Bob', stake: '1000', permit: false },
        { hotkey: '//Charlie', stake: 0 },
        { hotkey: '//Dave', stake: '500000000000', permit: true },
      ],
    },
    {
      netuid: CR, tempo: 4, commitRevealEnabled: true, revealPeriodEpochs: 1, weightsSetRateLimit: 0, minAllowedWeights: 1,
      neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob', stake: 0 }],
    },
  ],
};

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let provider: WsProvider;
let api: ApiPromise;
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const alice = keyring.addFromUri('//Alice'), bob = keyring.addFromUri('//Bob'), dave = keyring.addFromUri('//Dave');

type Query = Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>;
const query = (at?: { query: unknown }): Query => ((at ?? api).query as unknown as Record<string, Query>)['subtensorModule']!;
const tx = (method: string, ...args: unknown[]): SubmittableExtrinsic<'promise'> =>
  (api.tx as unknown as Record<string, Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']![method]!(...args);

/** Signs and sends; resolves at Finalized with the statuses seen and, for a failed call, its module error's name. */
function send(x: SubmittableExtrinsic<'promise'>, signer: KeyringPair): Promise<{ statuses: string[]; error: string | null; block: Hex; result: ISubmittableResult }> {
  const statuses: string[] = [];
  return new Promise((resolve, reject) => {
    x.signAndSend(signer, (result) => {
      statuses.push(result.status.type);
      if (!result.status.isFinalized) return;
      const e = result.dispatchError;
      const error = e === undefined ? null : e.isModule ? api.registry.findMetaError(e.asModule).name : e.type;
      resolve({ statuses, error, block: result.status.asFinalized.toHex() as Hex, result });
    }).catch(reject);
  });
}

const head = async (): Promise<number> => (await api.rpc.chain.getHeader()).number.toNumber();
/** Produces blocks until the head is `target`. */
async function advanceTo(target: number): Promise<void> {
  const now = await head();
  if (target > now) await provider.send('devnet_newBlock', [target - now]);
}

beforeAll(async () => {
  node = await createDevnet({ config, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
  provider = new WsProvider(server.url);
  api = await ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
}, 30_000);

afterAll(async () => {
  await api?.disconnect();
  await server?.close();
  await node?.close();
});

describe('devnet through @polkadot/api', () => {
  it('serves the metagraph and hyperparameters from storage, at the head and at the genesis', async () => {
    const q = query();
    expect((await q['keys']!(SN, 0)).toJSON()).toBe(alice.address);
    expect((await q['uids']!(SN, dave.address)).toJSON()).toBe(3);
    const axon = (await q['axons']!(SN, alice.address)).toJSON() as { ip: number | string; port: number; ipType: number };
    expect(BigInt(axon.ip)).toBe((10n << 24n) | (1n << 16n) | (2n << 8n) | 3n);
    expect([axon.port, axon.ipType]).toEqual([8091, 4]);
    expect(BigInt((await q['totalHotkeyAlpha']!(alice.address, SN)).toJSON() as number | string)).toBe(1_000_000_000_000n);
    expect((await q['validatorPermit']!(SN)).toJSON()).toEqual([true, false, false, true]);
    expect((await q['tempo']!(SN)).toJSON()).toBe(6);
    expect((await q['minAllowedWeights']!(SN)).toJSON()).toBe(2);
    expect((await q['weightsSetRateLimit']!(SN)).toJSON()).toBe(3);
    expect((await q['weightsVersionKey']!(SN)).toJSON()).toBe(5);
    expect((await q['commitRevealWeightsEnabled']!(CR)).toJSON()).toBe(true);
    const genesis = await api.at(await api.rpc.chain.getBlockHash(0));
    expect((await query(genesis)['tempo']!(SN)).toJSON()).toBe(6);
  });

  it('sets weights (Ready, InBlock, Finalized), stores them max-upscaled, and keeps the old state at the old hash', async () => {
    const before = await api.rpc.chain.getBlockHash();
    const r = await send(tx('setWeights', SN, [0, 3, 1], [200, 100, 0], 5), alice);
    expect(r.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(r.error).toBeNull();
    expect(r.result.events.map((e) => `${e.event.section}.${e.event.method}`)).toContain('subtensorModule.WeightsSet');
    expect((await query()['weights']!(SN, 0)).toJSON()).toEqual([[0, 65535], [3, 32768], [1, 0]]);
    expect((await query(await api.at(before))['weights']!(SN, 0)).toJSON()).toEqual([]);
    const lastUpdate = (await query()['lastUpdate']!(SN)).toJSON() as number[];
    expect(lastUpdate[0]).toBe(await head());
  });

  it('fails each set_weights check with the chain\'s module error', async () => {
    expect((await send(tx('setWeights', SN, [0, 3], [1, 1], 4), alice)).error).toBe('IncorrectWeightVersionKey');
    // Two blocks after the last set, with a rate limit of 3.
    expect((await send(tx('setWeights', SN, [0, 3], [1, 1], 5), alice)).error).toBe('SettingWeightsTooFast');
    expect((await send(tx('setWeights', SN, [0, 3], [1, 1], 5), bob)).error).toBe('NeuronNoValidatorPermit');
    await advanceTo((await head()) + 3);
    expect((await send(tx('setWeights', SN, [0, 0], [1, 1], 5), dave)).error).toBe('DuplicateUids');
    expect((await send(tx('setWeights', SN, [0, 9], [1, 1], 5), dave)).error).toBe('UidVecContainInvalidOne');
    expect((await send(tx('setWeights', SN, [0], [1], 5), dave)).error).toBe('WeightVecLengthIsLow');
    // A self-weight is exempt from the length check.
    expect((await send(tx('setWeights', SN, [3], [1], 5), dave)).error).toBeNull();
    expect((await send(tx('setWeights', CR, [0], [1], 0), alice)).error).toBe('CommitRevealEnabled');
  });

  it('commits, refuses an early reveal, reveals in the next epoch, and refuses a reveal after it expired', async () => {
    const who = u8aToHex(alice.publicKey) as Hex;
    const epochOf = (b: number): number => Math.floor((b + CR + 1) / 5);
    const [uids, values, salt] = [[0, 1], [65535, 1000], [7, 8, 9]];
    const c = await send(tx('commitWeights', CR, commitHash(who, CR, uids, values, salt, 0n)), alice);
    expect(c.error).toBeNull();
    const committedAt = (await api.rpc.chain.getHeader(c.block)).number.toNumber();
    expect((await send(tx('revealWeights', CR, uids, values, salt, 0), alice)).error).toBe('RevealTooEarly');
    // The first block of the next epoch.
    const next = (epochOf(committedAt) + 1) * 5 - (CR + 1);
    await advanceTo(next - 1);
    const ok = await send(tx('revealWeights', CR, uids, values, salt, 0), alice);
    expect(ok.error).toBeNull();
    expect((await api.rpc.chain.getHeader(ok.block)).number.toNumber()).toBe(next);
    expect((await query()['weights']!(CR, 0)).toJSON()).toEqual([[0, 65535], [1, 1000]]);

    const salt2 = [1, 2, 3];
    const c2 = await send(tx('commitWeights', CR, commitHash(who, CR, uids, values, salt2, 0n)), alice);
    const at2 = (await api.rpc.chain.getHeader(c2.block)).number.toNumber();
    await advanceTo((epochOf(at2) + 2) * 5 - (CR + 1));
    expect((await send(tx('revealWeights', CR, uids, values, salt2, 0), alice)).error).toBe('ExpiredWeightCommit');
  });

  it('runs the epoch at the tempo boundary and stores what runEpoch gives on the same snapshot', async () => {
    // The next epoch block of subnet 1: (block + 2) % 7 == 0.
    let block = (await head()) + 1;
    while ((block + SN + 1) % 7 !== 0) block++;
    await advanceTo(block);
    const input = epochInputAt(node.state, block, SN);
    const expected = runEpoch(input, { mode: 'exact' });
    const at = await api.at(await api.rpc.chain.getBlockHash(block));
    const q = query(at);
    expect((await q['incentive']!(SN)).toJSON()).toEqual(expected.incentive);
    expect((await q['dividends']!(SN)).toJSON()).toEqual(expected.dividends);
    expect((await q['consensus']!(SN)).toJSON()).toEqual(expected.consensus);
    expect((await q['validatorPermit']!(SN)).toJSON()).toEqual(expected.validatorPermit);
    for (let uid = 0; uid < input.n; uid++) {
      if (!expected.validatorPermit[uid]) continue;
      expect((await q['bonds']!(SN, uid)).toJSON(), `bonds of uid ${uid}`).toEqual(expected.bonds[uid]);
    }
    // The weights set above reach the epoch: Alice's weight on Dave (uid 3) earns it incentive.
    expect(expected.incentive[3]).toBeGreaterThan(0);
  });
});
