import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord } from '@polkadot/types/interfaces';
import type { IMethod } from '@polkadot/types/types';
import { createDevnet, type Devnet, type DevnetOptions } from '../../../src/devnet/node.js';
import type { TxStatus } from '../../../src/devnet/node-types.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';

// Signing real extrinsics for the node tests, the way @polkadot/api signs with a KeyringPair (Extrinsic.sign over the
// registry's signed extensions), without a network.

/** A fresh devnet with blocks on demand and no pallet module unless given. */
export async function devnet(options: DevnetOptions = {}): Promise<Devnet> {
  return createDevnet({ blockTimeMs: 0, modules: [], genesis: () => undefined, log: () => undefined, ...options });
}

/** Dev key pairs as @polkadot/keyring derives them. */
export function pair(uri: string, type: 'sr25519' | 'ed25519' | 'ecdsa' = 'sr25519'): KeyringPair {
  return new Keyring({ type, ss58Format: 42 }).addFromUri(uri);
}

/** What to sign with; defaults: immortal, the devnet's genesis, nonce from the node. */
export interface SignOptions {
  nonce?: number;
  tip?: number;
  genesisHash?: Hex;
  /** Mortal era: the block the transaction is signed at (its hash is signed) and the period. */
  mortal?: { at: number; period: number; blockHash?: Hex };
  /** CheckMetadataHash mode 1 with this hash. */
  metadataHash?: Hex;
}

/** Signs `method` with `signer` for the devnet `node`. */
export function sign(node: Devnet, signer: KeyringPair, method: IMethod, o: SignOptions = {}): Hex {
  const { registry, version } = node.runtime;
  const xt = registry.createType('Extrinsic', method);
  const genesisHash = o.genesisHash ?? node.chain.genesisHash;
  const era = o.mortal === undefined
    ? registry.createType('ExtrinsicEra', new Uint8Array([0]))
    : registry.createType('ExtrinsicEra', { current: o.mortal.at, period: o.mortal.period });
  const blockHash = o.mortal === undefined
    ? genesisHash
    : (o.mortal.blockHash ?? node.chain.blockAt(o.mortal.at)?.hash ?? genesisHash);
  xt.sign(signer, {
    blockHash,
    genesisHash,
    nonce: o.nonce ?? node.accountNextIndex(signer.address),
    tip: o.tip ?? 0,
    era,
    runtimeVersion: version as never,
    signedExtensions: registry.signedExtensions,
    ...(o.metadataHash === undefined ? {} : { mode: 1, metadataHash: o.metadataHash }),
  } as never);
  return xt.toHex() as Hex;
}

/** A watcher that records statuses and resolves when the transaction is final (or can no longer be). */
export function watcher(): { statuses: TxStatus[]; watch: (s: TxStatus) => void; done: Promise<TxStatus[]> } {
  const statuses: TxStatus[] = [];
  let resolve: (s: TxStatus[]) => void = () => undefined;
  const done = new Promise<TxStatus[]>((r) => { resolve = r; });
  const watch = (s: TxStatus): void => {
    statuses.push(s);
    if (typeof s === 'object' && !('inBlock' in s)) resolve(statuses);
  };
  return { statuses, watch, done };
}

/** The System.Events of a block, decoded by the registry. */
export function eventsAt(node: Devnet, number: number): EventRecord[] {
  const raw = node.state.get(node.storage.key('system', 'events'), number);
  if (raw === null) return [];
  return [...node.runtime.registry.createType('Vec<EventRecord>', raw)] as unknown as EventRecord[];
}

/** The stored nonce of an account at the head. */
export function nonceOf(node: Devnet, signer: KeyringPair): number {
  const raw = node.state.get(node.storage.key('system', 'account', signer.addressRaw));
  return (node.storage.decode('system', 'account', raw) as unknown as { nonce: { toNumber(): number } }).nonce.toNumber();
}

/** A tick of the event loop after the on-demand block and the status notifications. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(() => setImmediate(r)));
}
