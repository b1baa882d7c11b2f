import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Chopsticks } from './chopsticks-process.js';

/*
 * Preparing a subnet on a real subtensor runtime run by chopsticks, with the runtime's own extrinsics: the only
 * storage written directly is Sudo.Key and the test accounts' balances (the spec's sudo key is not a dev account).
 * Everything else goes through calls the runtime dispatches (register_network, burned_register, add_stake and
 * AdminUtils setters under sudo), so the state the client reads is what the runtime wrote.
 */

/** A dispatched extrinsic: its block and its events' `section.method` with their data as JSON. */
export interface Landed {
  blockHash: string;
  blockNumber: number;
  events: Array<{ name: string; data: unknown[] }>;
}

type AnyTx = SubmittableExtrinsic<'promise'>;
type TxSection = Record<string, (...a: unknown[]) => AnyTx>;

/** The runtime's calls by `pallet.call` (camelCase as @polkadot/api decorates them). */
export function tx(api: ApiPromise, pallet: string, call: string, ...args: unknown[]): AnyTx {
  const f = (api.tx as unknown as Record<string, TxSection | undefined>)[pallet]?.[call];
  if (f === undefined) throw new Error(`the runtime has no call ${pallet}.${call}`);
  return f(...args);
}

/** Gives Sudo.Key to `sudo` and `free` rao to every account (chopsticks' dev_setStorage). */
export async function fundAccounts(cs: Chopsticks, sudo: KeyringPair, accounts: readonly KeyringPair[], free: bigint): Promise<void> {
  const balances = accounts.map((p) => [[p.address], { providers: 1, data: { free: free.toString() } }]);
  await cs.rpc('dev_setStorage', [{ Sudo: { Key: sudo.address }, System: { Account: balances } }]);
}

/** What became of a sent extrinsic: dispatched (module error name or null) or refused by the node at submission. */
export type Outcome = { landed: Landed; error: string | null } | { rejected: string };

/**
 * Signs with an explicit nonce (the node's `system_accountNextIndex`: @polkadot/api's own nonce lookup lags a block
 * behind under chopsticks and gets `stale`), sends, waits for the block and reads the call's events. `error` is the
 * module error's name of a failed dispatch, or of a sudo call's failed inner call.
 */
export async function submit(api: ApiPromise, signer: KeyringPair, call: AnyTx, label: string, ms = 120_000): Promise<Outcome> {
  const nonce = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  await call.signAsync(signer, { nonce, era: 0 });
  const sent = await new Promise<{ blockHash: string } | { rejected: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: not in a block after ${ms} ms`)), ms);
    call
      .send((r) => {
        if (r.status.isInBlock || r.status.isFinalized) {
          clearTimeout(timer);
          resolve({ blockHash: (r.status.isInBlock ? r.status.asInBlock : r.status.asFinalized).toHex() });
        } else if (r.status.isInvalid || r.status.isDropped) {
          clearTimeout(timer);
          resolve({ rejected: r.status.type });
        }
      })
      .catch((e: unknown) => {
        clearTimeout(timer);
        resolve({ rejected: (e as Error).message });
      });
  });
  if ('rejected' in sent) return sent;
  const { blockHash } = sent;
  const [block, at] = await Promise.all([api.rpc.chain.getBlock(blockHash), api.at(blockHash)]);
  const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === call.hash.toHex());
  const records = (await at.query['system']!['events']!()) as unknown as Array<{
    phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } };
    event: { section: string; method: string; data: Array<{ toJSON(): unknown; isErr?: boolean; asErr?: unknown }> };
  }>;
  const mine = records.filter((r) => r.phase.isApplyExtrinsic && r.phase.asApplyExtrinsic.toNumber() === index);
  let error: string | null = null;
  for (const { event } of mine) {
    if (event.section === 'system' && event.method === 'ExtrinsicFailed') error = errorName(api, event.data[0]);
    if (event.section === 'sudo' && event.method === 'Sudid' && event.data[0]?.isErr === true) error = `sudo: ${errorName(api, event.data[0].asErr)}`;
  }
  const landed = {
    blockHash,
    blockNumber: block.block.header.number.toNumber(),
    events: mine.map(({ event }) => ({ name: `${event.section}.${event.method}`, data: event.data.map((d) => d.toJSON()) })),
  };
  return { landed, error };
}

/** `submit`, throwing unless the call was dispatched successfully. */
export async function submitAndCheck(api: ApiPromise, signer: KeyringPair, call: AnyTx, label: string, ms = 120_000): Promise<Landed> {
  const o = await submit(api, signer, call, label, ms);
  if ('rejected' in o) throw new Error(`${label}: rejected by the node: ${o.rejected}`);
  if (o.error !== null) throw new Error(`${label}: ${o.error}`);
  return o.landed;
}

function errorName(api: ApiPromise, e: unknown): string {
  const de = e as { isModule?: boolean; asModule?: Parameters<ApiPromise['registry']['findMetaError']>[0]; type?: string; toString(): string };
  return de.isModule === true && de.asModule !== undefined ? api.registry.findMetaError(de.asModule).name : String(de.type ?? de);
}

/** Builds blocks until the head is `target` (chopsticks' dev_newBlock). */
export async function advanceTo(api: ApiPromise, cs: Chopsticks, target: number): Promise<void> {
  const head = (await api.rpc.chain.getHeader()).number.toNumber();
  if (target > head) await cs.rpc('dev_newBlock', [{ count: target - head }]);
}

/** A neuron to register: its hotkey and the coldkey that pays and owns it. */
export interface NeuronKeys {
  hotkey: KeyringPair;
  coldkey: KeyringPair;
}

/** What `createSubnet` did, for the test's expectations. */
export interface SubnetCreated {
  netuid: number;
  /** The block register_network landed in (the owner's hotkey is registered there, as uid 0, with no event). */
  addedBlock: number;
  /** Hotkey addresses in the order the runtime gave them uids (NeuronRegistered). */
  registered: Array<{ uid: number; hotkey: string; coldkey: string; block: number }>;
  /** The block the owner's add_stake landed in. */
  staked: { hotkey: string; block: number; blockHash: string };
}

/** The subnet parameters the happy path sets (AdminUtils, under sudo). */
export interface SubnetParams {
  tempo: number;
  weightsSetRateLimit: number;
  weightsVersionKey: bigint;
  minAllowedWeights: number;
  maxWeightsLimit?: number;
  maxAllowedValidators?: number;
}

/**
 * register_network by the owner's coldkey (its hotkey gets uid 0), hyperparameters through AdminUtils under sudo,
 * burned_register of the other neurons by their coldkeys, and add_stake of `stake` rao to the owner's hotkey (and to
 * each hotkey in `alsoStaked`, by its coldkey).
 */
export async function createSubnet(api: ApiPromise, sudo: KeyringPair, owner: NeuronKeys, others: readonly NeuronKeys[], params: SubnetParams, stake: bigint, alsoStaked: readonly NeuronKeys[] = []): Promise<SubnetCreated> {
  const admin = (call: string, ...args: unknown[]): Promise<Landed> => submitAndCheck(api, sudo, tx(api, 'sudo', 'sudo', tx(api, 'adminUtils', call, ...args)), `sudo ${call}`);
  // The spec's NetworkRateLimit counts from block 0: without this, no subnet can be added in the first blocks.
  await admin('sudoSetNetworkRateLimit', 0);
  const added = await submitAndCheck(api, owner.coldkey, tx(api, 'subtensorModule', 'registerNetwork', owner.hotkey.address, 1), 'register_network');
  const ev = added.events.find((e) => e.name === 'subtensorModule.NetworkAdded');
  if (ev === undefined) throw new Error('register_network: no NetworkAdded event');
  const netuid = Number(ev.data[0]);
  await admin('sudoSetTempo', netuid, params.tempo);
  await admin('sudoSetWeightsSetRateLimit', netuid, params.weightsSetRateLimit);
  await admin('sudoSetWeightsVersionKey', netuid, params.weightsVersionKey);
  await admin('sudoSetMinAllowedWeights', netuid, params.minAllowedWeights);
  if (params.maxWeightsLimit !== undefined) await admin('sudoSetMaxWeightLimit', netuid, params.maxWeightsLimit);
  if (params.maxAllowedValidators !== undefined) await admin('sudoSetMaxAllowedValidators', netuid, params.maxAllowedValidators);
  await admin('sudoSetTargetRegistrationsPerInterval', netuid, 16);
  await admin('sudoSetMaxRegistrationsPerBlock', netuid, 16);
  const registered: SubnetCreated['registered'] = [];
  const noteRegistration = (l: Landed, keys: NeuronKeys): void => {
    for (const e of l.events.filter((x) => x.name === 'subtensorModule.NeuronRegistered' && Number(x.data[0]) === netuid)) {
      registered.push({ uid: Number(e.data[1]), hotkey: String(e.data[2]), coldkey: keys.coldkey.address, block: l.blockNumber });
    }
  };
  for (const n of others) noteRegistration(await submitAndCheck(api, n.coldkey, tx(api, 'subtensorModule', 'burnedRegister', netuid, n.hotkey.address), 'burned_register'), n);
  const st = await submitAndCheck(api, owner.coldkey, tx(api, 'subtensorModule', 'addStake', owner.hotkey.address, netuid, stake), 'add_stake');
  for (const k of alsoStaked) await submitAndCheck(api, k.coldkey, tx(api, 'subtensorModule', 'addStake', k.hotkey.address, netuid, stake), 'add_stake');
  // StakeAdded's alpha field is not used: this runtime (spec 218) emits 0 there whatever alpha was bought.
  if (!st.events.some((e) => e.name === 'subtensorModule.StakeAdded')) throw new Error('add_stake: no StakeAdded event');
  return { netuid, addedBlock: added.blockNumber, registered, staked: { hotkey: owner.hotkey.address, block: st.blockNumber, blockHash: st.blockHash } };
}
