import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { ExtrinsicStatus } from '@polkadot/types/interfaces';
import { blake2AsHex } from '@polkadot/util-crypto';
import { crashPoint } from '../../faults/index.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChainConnection } from '../connection.js';
import { ChainTimeoutError } from '../errors.js';
import { ExtrinsicNotInBlockError } from './errors.js';
import { readStorageAt, resolveBlock, type BlockRef } from '../storage/index.js';

/*
 * The extrinsic side of the pipeline: building and signing a weight call (mortal era, explicit nonce), sending the
 * exact stored bytes and watching them to a block under a deadline, finding those bytes in blocks (by hash) after a
 * lost answer, and reading the call's outcome from the block's events.
 */

/** A weight call to build. */
export type WeightCallSpec =
  | { kind: 'set_weights'; netuid: number; uids: readonly number[]; values: readonly number[]; versionKey: bigint }
  | { kind: 'commit_weights'; netuid: number; commitHash: string }
  /** The ciphertext as stored (0x hex), the drand round and the runtime's CommitRevealWeightsVersion. */
  | { kind: 'commit_timelocked_weights'; netuid: number; ciphertext: string; revealRound: bigint; version: number }
  | { kind: 'reveal_weights'; netuid: number; uids: readonly number[]; values: readonly number[]; salt: readonly number[]; versionKey: bigint };

/** A signed extrinsic, ready to store and send. */
export interface Signed {
  hex: string;
  hash: string;
  nonce: number;
  eraBirth: number;
  eraPeriod: number;
}

type TxModule = Record<string, (...a: unknown[]) => SubmittableExtrinsic<'promise'>>;

function buildCall(api: ApiPromise, c: WeightCallSpec): SubmittableExtrinsic<'promise'> {
  const m = (api.tx as unknown as Record<string, TxModule>)['subtensorModule'] as TxModule;
  if (c.kind === 'set_weights') return (m['setWeights'] as TxModule[string])(c.netuid, c.uids, c.values, c.versionKey);
  if (c.kind === 'commit_weights') return (m['commitWeights'] as TxModule[string])(c.netuid, c.commitHash);
  if (c.kind === 'commit_timelocked_weights') return (m['commitTimelockedWeights'] as TxModule[string])(c.netuid, c.ciphertext, c.revealRound, c.version);
  return (m['revealWeights'] as TxModule[string])(c.netuid, c.uids, c.values, c.salt, c.versionKey);
}

/** The hash a node gives an extrinsic: blake2-256 of its bytes. */
export function extrinsicHash(hex: string): string {
  return blake2AsHex(hex, 256);
}

/**
 * Signs a weight call with the hotkey: mortal for `eraPeriod` blocks from `at` (default: the finalized head), with the account's next
 * nonce as the node reports it (pool included). Signing happens here, once per intent; what it returns is stored
 * before it is ever sent.
 */
export async function signWeightCall(conn: ChainConnection, pair: KeyringPair, c: WeightCallSpec, eraPeriod: number, at?: { number: number; hash: string }): Promise<Signed> {
  return conn.call(`sign ${c.kind} for subnet ${c.netuid}`, async (api) => {
    const [birth, nonce] = await Promise.all([at ?? finalizedHead(conn), api.rpc.system.accountNextIndex(pair.address)]);
    const head = birth.hash;
    const current = birth.number;
    const era = api.registry.createType('ExtrinsicEra', { current, period: eraPeriod });
    const xt = buildCall(api, c);
    xt.sign(pair, { blockHash: head, era, nonce: nonce.toNumber(), genesisHash: api.genesisHash, runtimeVersion: api.runtimeVersion, signedExtensions: api.registry.signedExtensions });
    const hex = xt.toHex();
    return { hex, hash: extrinsicHash(hex), nonce: nonce.toNumber(), eraBirth: era.asMortalEra.birth(current), eraPeriod: era.asMortalEra.period.toNumber() };
  });
}

/** What became of a sent extrinsic. */
export type SendResult =
  | { kind: 'in_block'; blockHash: string }
  /** The node refused it at submission: the JSON-RPC code (1010, 1012, 1013, 1014, ...) and its reason. */
  | { kind: 'rejected'; rpcCode: number; reason: string }
  /** The pool dropped it or found it invalid after accepting it. */
  | { kind: 'dropped'; reason: string };

/**
 * Sends the stored bytes with author_submitAndWatchExtrinsic and resolves at the first block that includes them.
 * @throws ChainTimeoutError when no block includes them by the deadline; transport errors as they come
 */
export function sendAndWatch(conn: ChainConnection, hex: string, ms: number, signal?: AbortSignal): Promise<SendResult> {
  let unsub: (() => void) | null = null;
  let done = false;
  let onAbort: (() => void) | null = null;
  const watched = new Promise<SendResult>((resolve, reject) => {
    // A stop ends the watch (the bytes may still land: the stored intent is `submitted`, and a resume looks for them).
    if (signal !== undefined) {
      if (signal.aborted) reject(signal.reason as Error);
      onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    const api = conn.api;
    const onStatus = (s: ExtrinsicStatus): void => {
      if (s.isInBlock) resolve({ kind: 'in_block', blockHash: s.asInBlock.toHex() });
      else if (s.isFinalized) resolve({ kind: 'in_block', blockHash: s.asFinalized.toHex() });
      else if (s.isInvalid || s.isDropped || s.isUsurped) resolve({ kind: 'dropped', reason: s.type });
    };
    api.rpc.author
      .submitAndWatchExtrinsic(api.createType('Extrinsic', hex), onStatus)
      .then((u) => {
        // The pool accepted the bytes; no block holds them yet.
        crashPoint('xt.accepted');
        if (done) u();
        else unsub = u;
      })
      .catch((e: unknown) => {
        const err = e as { code?: unknown; data?: unknown; message?: string };
        if (typeof err.code === 'number' && err.code >= 1000 && err.code < 2000) {
          resolve({ kind: 'rejected', rpcCode: err.code, reason: typeof err.data === 'string' && err.data !== '' ? err.data : String(err.message) });
        } else reject(e);
      });
  });
  return conn.call('wait for the extrinsic to be included', () => watched, ms).finally(() => {
    done = true;
    if (onAbort !== null) signal?.removeEventListener('abort', onAbort);
    try {
      (unsub as (() => void) | null)?.();
    } catch {
      // the socket may be gone; the subscription goes with it
    }
  });
}

/** The block number of a block hash. */
export async function blockNumberOf(conn: ChainConnection, hash: string): Promise<number> {
  return conn.call('read a block header', async (api) => (await api.rpc.chain.getHeader(hash)).number.toNumber());
}

/** The finalized head's number and hash. */
export async function finalizedHead(conn: ChainConnection): Promise<BlockRef> {
  return resolveBlock(conn, 'finalized');
}

/** The account's next nonce as stored on chain at the head (not counting the pool). */
export async function accountNonce(conn: ChainConnection, address: string): Promise<number> {
  return conn.call('read the account nonce', async (api) => {
    const info = (await (api.query as unknown as Record<string, Record<string, (a: string) => Promise<{ toJSON(): unknown }>>>)['system']!['account']!(address)).toJSON() as { nonce: number };
    return Number(info.nonce);
  });
}

/**
 * Looks for an extrinsic hash in blocks `from`..min(head, `to`); returns the block it is in, or null. A mortal
 * extrinsic cannot be in a block past its era, so `to` bounds the scan after a long outage.
 */
export async function findExtrinsic(conn: ChainConnection, hash: string, from: number, to = Number.MAX_SAFE_INTEGER): Promise<{ number: number; hash: string } | null> {
  const head = await finalizedHead(conn);
  const want = hash.toLowerCase();
  for (let b = Math.max(0, from); b <= Math.min(head.number, to); b++) {
    const found = await conn.call(`look for extrinsic ${want} in block ${b}`, async (api) => {
      const bh = await api.rpc.chain.getBlockHash(b);
      const block = await api.rpc.chain.getBlock(bh);
      return block.block.extrinsics.some((x) => x.hash.toHex() === want) ? bh.toHex() : null;
    });
    if (found !== null) return { number: b, hash: found };
  }
  return null;
}

/** The outcome of an included extrinsic: null on success, else the module error's name (or the error's type). */
export async function readOutcome(conn: ChainConnection, blockHash: string, xtHash: string): Promise<{ error: string | null; blockNumber: number }> {
  return conn.call('read the extrinsic\'s events', async (api) => {
    const [block, [records]] = await Promise.all([api.rpc.chain.getBlock(blockHash), readStorageAt(api, blockHash, [['system', 'events', []]])]);
    const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === xtHash.toLowerCase());
    if (index < 0) throw new ExtrinsicNotInBlockError(blockHash, xtHash);
    const events = (records ?? []) as unknown as Array<{ phase: { isApplyExtrinsic: boolean; asApplyExtrinsic: { toNumber(): number } }; event: { section: string; method: string; data: unknown[] } }>;
    let error: string | null = 'no ExtrinsicSuccess or ExtrinsicFailed event';
    for (const { phase, event } of events) {
      if (!phase.isApplyExtrinsic || phase.asApplyExtrinsic.toNumber() !== index || event.section !== 'system') continue;
      if (event.method === 'ExtrinsicSuccess') error = null;
      if (event.method === 'ExtrinsicFailed') {
        const de = event.data[0] as { isModule: boolean; asModule: Parameters<ApiPromise['registry']['findMetaError']>[0]; type: string };
        error = de.isModule ? api.registry.findMetaError(de.asModule).name : de.type;
      }
    }
    return { error, blockNumber: block.block.header.number.toNumber() };
  });
}

/**
 * Waits until the finalized head reaches `target` (polling at `pollMs`), at most `ms`.
 * @throws ChainTimeoutError at the deadline; the signal's reason (an AbortError) as soon as it is aborted
 */
export async function waitForHead(conn: ChainConnection, target: number, ms: number, pollMs: number, signal?: AbortSignal): Promise<number> {
  const deadline = Date.now() + ms;
  for (;;) {
    signal?.throwIfAborted();
    const head = (await finalizedHead(conn)).number;
    if (head >= target) return head;
    if (Date.now() >= deadline) throw new ChainTimeoutError(`wait for block ${target} (head ${head})`, ms);
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), undefined, signal === undefined ? undefined : { signal });
  }
}
