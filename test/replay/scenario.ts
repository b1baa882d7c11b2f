import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { u8aToHex } from '@polkadot/util';
import { ChainConnection } from '../../src/chain/index.js';
import { commitHash, createDevnet, epochInputAt, isEpochBlock, startRpcServer } from '../../src/devnet/index.js';
import type { Hex, RpcServer } from '../../src/devnet/index.js';
import { Prng } from '../../src/random/index.js';
import { runEpoch } from '../../src/yuma/index.js';

/*
 * A devnet subnet driven the way a live subnet changes, for the replay tests (issue 18, "Done means" 1 and 2).
 *
 * Subnet 1 (tempo 9: epochs at blocks 8, 18, 28, ...; Yuma3 with liquid alpha; owner uid 3), over EPOCHS epochs:
 *   - the validators set new weights every 3 epochs (seeded) by signed set_weights extrinsics, the same ones between;
 *   - stake moves: Bob's stake doubles before epoch 5, Alice's drops by 40% before epoch 11;
 *   - Charlie stops setting weights after epoch 6 and goes inactive (activity cutoff 25 blocks);
 *   - uid 6 is re-registered to a new hotkey before epoch 7 (devnet_replaceNeuron);
 *   - kappa changes before epoch 9, the bonds moving average before epoch 14;
 *   - commit-reveal is on for epochs 12 to 17 (commit_weights, then reveal_weights in the next epoch), off after.
 * Subnet 2 (tempo 4: epochs at 2, 7, 12, ...; original bonds) is the negative case: the Incentive its epoch of block
 * TAMPERED_BLOCK stored is overwritten in that same block after the epoch ran (devnet_setStorageAfterInitialize),
 * with uid TAMPERED_UID one higher.
 */

export const SN = 1;
export const NEG = 2;
export const EPOCHS = 24;
export const TEMPO = 9;
export const TAMPERED_BLOCK = 12;
export const TAMPERED_UID = 2;
const FIRST_EPOCH = 8;
const CR_ON = 12;
const CR_OFF = 18;

const config = {
  subnets: [
    {
      netuid: SN, tempo: TEMPO, weightsSetRateLimit: 0, minAllowedWeights: 1, maxAllowedValidators: 3, activityCutoff: 25, ownerUid: 3,
      yuma3: true, liquidAlpha: true, alphaLow: 40000, alphaHigh: 60000, revealPeriodEpochs: 1,
      neurons: [
        { hotkey: '//Alice', stake: '1000000000000', permit: true },
        { hotkey: '//Bob', stake: '500000000000', permit: true },
        { hotkey: '//Charlie', stake: '300000000000', permit: true },
        { hotkey: '//Dave', stake: '1000' },
        { hotkey: '//Eve', stake: 0 },
        { hotkey: '//Ferdie', stake: 0 },
        { hotkey: '//Miner6', stake: 0 },
      ],
    },
    {
      netuid: NEG, tempo: 4, weightsSetRateLimit: 0, minAllowedWeights: 1, maxAllowedValidators: 2,
      neurons: [
        { hotkey: '//Alice', stake: '600000000000', permit: true },
        { hotkey: '//Bob', stake: '400000000000', permit: true },
        { hotkey: '//Eve', stake: 0 },
        { hotkey: '//Ferdie', stake: 0 },
      ],
    },
  ],
};

export type Node = Awaited<ReturnType<typeof createDevnet>>;

/** The running scenario. */
export interface Scenario {
  node: Node;
  server: RpcServer;
  conn: ChainConnection;
  /** The head when the scenario finished. */
  head: number;
  /** Subnet 1's epoch blocks, as the devnet's formula places them. */
  epochBlocks: number[];
  close(): Promise<void>;
}

/** Starts the devnet and drives both subnets through the scenario. */
export async function runScenario(): Promise<Scenario> {
  const node = await createDevnet({ config, blockTimeMs: 0, log: () => {} });
  const server = await startRpcServer(node);
  const conn = await ChainConnection.open({ url: server.url, log: () => {} });
  const api = conn.api;
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map((u) => keyring.addFromUri(u)) as [KeyringPair, KeyringPair, KeyringPair];
  const head = (): number => node.chain.head.number;
  const advanceTo = (target: number): void => { if (target > head()) node.admin('newBlock', [target - head()]); };
  const query = (api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>)['subtensorModule']!;
  const setStorage = (pairs: Array<[string, string]>): void => { node.admin('setStorage', [pairs]); };

  function send(method: string, args: unknown[], signer: KeyringPair): Promise<number> {
    const tx = (api.tx as unknown as Record<string, Record<string, (...a: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']![method]!(...args);
    return new Promise((resolve, reject) => {
      tx.signAndSend(signer, (r) => {
        if (!r.status.isFinalized) return;
        if (r.dispatchError !== undefined) reject(new Error(`${method}: ${r.dispatchError.toString()}`));
        else void api.rpc.chain.getHeader(r.status.asFinalized).then((h) => resolve(h.number.toNumber()), reject);
      }).catch(reject);
    });
  }

  // Subnet 2: weights that make kappa matter (the validators disagree), then the tampered epoch.
  await send('setWeights', [NEG, [2, 3], [65535, 30000], 0], alice);
  await send('setWeights', [NEG, [2, 3], [12000, 65535], 0], bob);

  const rng = new Prng(18);
  const miners = [3, 4, 5, 6];
  const weightsFor = (): { uids: number[]; values: number[] } => {
    const uids = miners.filter(() => rng.next() < 0.85);
    if (uids.length === 0) uids.push(4);
    return { uids, values: uids.map(() => 1 + rng.int(65535)) };
  };
  const u64 = (v: bigint): string => u8aToHex(api.createType('u64', v).toU8a());
  const alphaOf = (api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<{ toString(): string }>>>)['subtensorModule']!['totalHotkeyAlpha']!;
  const stakeOf = async (who: KeyringPair): Promise<bigint> => BigInt((await alphaOf(who.address, SN)).toString());
  const current = new Map<KeyringPair, { uids: number[]; values: number[] }>();
  const pending = new Map<KeyringPair, { uids: number[]; values: number[]; salt: number[] }>();

  for (let k = 0; k < EPOCHS; k++) {
    const epoch = FIRST_EPOCH + k * (TEMPO + 1);
    if (k === 1) {
      // Subnet 2's epoch of TAMPERED_BLOCK: its Incentive, as the devnet's epoch will store it, with one uid changed,
      // written after that epoch in the same block.
      advanceTo(TAMPERED_BLOCK - 1);
      const out = runEpoch(epochInputAt(node.state, TAMPERED_BLOCK, NEG), { mode: 'exact' });
      const tampered = [...out.incentive];
      tampered[TAMPERED_UID] = (tampered[TAMPERED_UID]! + 1) % 65536;
      node.admin('setStorageAfterInitialize', [[[query['incentive']!.key(NEG), u8aToHex(api.createType('Vec<u16>', tampered).toU8a())]]]);
    }
    if (k === 5) setStorage([[query['totalHotkeyAlpha']!.key(bob.address, SN), u64((await stakeOf(bob)) * 2n)]]);
    if (k === 11) setStorage([[query['totalHotkeyAlpha']!.key(alice.address, SN), u64(((await stakeOf(alice)) * 6n) / 10n)]]);
    if (k === 7) node.admin('replaceNeuron', [{ netuid: SN, uid: 6, hotkey: '//Greg', stake: 0 }]);
    if (k === 9) setStorage([[query['kappa']!.key(SN), u8aToHex(api.createType('u16', 40000).toU8a())]]);
    if (k === 14) setStorage([[query['bondsMovingAverage']!.key(SN), u64(800_000n)]]);
    if (k === CR_ON || k === CR_OFF) setStorage([[query['commitRevealWeightsEnabled']!.key(SN), k === CR_ON ? '0x01' : '0x00']]);
    const validators = k <= 6 ? [alice, bob, charlie] : [alice, bob];
    const cr = k >= CR_ON && k < CR_OFF;
    for (const v of validators) {
      if (cr) {
        const due = pending.get(v);
        if (due !== undefined) {
          await send('revealWeights', [SN, due.uids, due.values, due.salt, 0], v);
          pending.delete(v);
        }
        // Commit in every CR epoch but the last, so that nothing is left unrevealed when it is turned off.
        if (k < CR_OFF - 1) {
          const w = weightsFor();
          const salt = [k, 7, 9];
          await send('commitWeights', [SN, commitHash(u8aToHex(v.publicKey) as Hex, SN, w.uids, w.values, salt, 0n)], v);
          pending.set(v, { ...w, salt });
        }
      } else {
        // New weights every third epoch (and when commit-reveal ends); the same again in between, which keeps the
        // validator active as a live one stays.
        const w = k % 3 === 0 || k === CR_OFF || !current.has(v) ? weightsFor() : current.get(v)!;
        current.set(v, w);
        await send('setWeights', [SN, w.uids, w.values, 0], v);
      }
    }
    if (head() >= epoch) throw new Error(`scenario: the actions of epoch ${k} ran past its block ${epoch} (head ${head()})`);
    advanceTo(epoch);
  }
  const epochBlocks = Array.from({ length: EPOCHS }, (_, k) => FIRST_EPOCH + k * (TEMPO + 1));
  if (!epochBlocks.every((b) => isEpochBlock(SN, TEMPO, b))) throw new Error('scenario: the epoch blocks disagree with the devnet formula');
  return {
    node, server, conn, head: head(), epochBlocks,
    close: async () => {
      await conn.close();
      await server.close();
      await node.close();
    },
  };
}
