import { setTimeout as pause } from 'node:timers/promises';
import type { KeyringPair } from '@polkadot/keyring/types';
import { crashPoint } from '../../faults/index.js';
import type { CommitIntent, Store } from '../../store/index.js';
import type { ChainConnection } from '../connection.js';
import { ChainTimeoutError } from '../errors.js';
import { readWeightsChainState, type WeightsChainState } from './chain-state.js';
import { WeightsUnconfirmedError, WeightsWaitError } from './errors.js';
import { accountNonce, blockNumberOf, findExtrinsic, finalizedHead, readOutcome, sendAndWatch, signWeightCall, waitForHead, type WeightCallSpec } from './extrinsic.js';
import { checkCommitWeights, checkRevealWeights, checkSetWeights, type Verdict } from './prevalidate.js';
import type { WeightsPipelineOptions } from './options.js';

/*
 * Drives one stored intent to an end (finalized or failed), from whatever state a previous run left it in:
 *
 * - planned, unsigned: wait for its first allowed block, pre-validate on the head, sign, store the bytes;
 * - signed / submitted: if it may have been sent before, look for its hash in every block since its era's birth; found
 *   means it landed (read the outcome). Not found, it is re-signed only when its bytes provably cannot land any more
 *   (its nonce was used by another extrinsic, or its era expired); otherwise the SAME bytes are sent again;
 * - in_block: read the call's outcome and wait for finality.
 *
 * Classification: a rate limit is rescheduled for its first allowed block (LastUpdate + WeightsSetRateLimit); a check
 * the chain would fail is recorded and not retried; a transport failure is retried with backoff (same bytes); a
 * stale nonce / outdated / dropped extrinsic gets a fresh nonce and is re-signed once.
 */

/** How an intent ended. */
export interface IntentOutcome {
  intent: CommitIntent;
  /** refused: pre-validation; dispatch: failed in its block; rejected: refused by the node; null: finalized. */
  failure: 'refused' | 'dispatch' | 'rejected' | 'expired' | null;
  chainError: string | null;
  /** The rate limit's (or reveal window's) first block, for a refusal the caller may reschedule. */
  firstAllowedBlock: number | null;
}

/** What the driver needs. */
export interface DriverContext {
  conn: ChainConnection;
  store: Store;
  pair: KeyringPair;
  o: Required<WeightsPipelineOptions>;
}

/** Errors of the node that mean "this nonce or era is no longer usable": refresh and re-sign once. */
function isStale(reason: string, rpcCode: number): boolean {
  return rpcCode === 1014 || /outdated|ancient birth block|stale/i.test(reason);
}

/**
 * The era of a call signed at block `birth`: `period` blocks, but for a reveal no longer than its window (the largest
 * power of two, at least 4, with birth + era - 1 ≤ the window's last block), so that bytes left in a node's pool cannot
 * be included after the window, where the chain would fail them (ExpiredWeightCommit).
 */
export function eraFor(windowLast: number | null, birth: number, period: number): number {
  if (windowLast === null) return period;
  let era = period;
  while (era > 4 && birth + era - 1 > windowLast) era >>= 1;
  return era;
}

/** A pause that a stop ends at once (rejecting with the signal's reason). */
const sleep = (ms: number, signal: AbortSignal | null): Promise<void> => pause(ms, undefined, signal === null ? undefined : { signal });

function callOf(i: CommitIntent, salt: number[] | null, store: Store): WeightCallSpec {
  if (i.kind === 'set_weights') return { kind: 'set_weights', netuid: i.netuid, uids: i.uids, values: i.values, versionKey: i.versionKey };
  if (i.kind === 'commit_weights') return { kind: 'commit_weights', netuid: i.netuid, commitHash: i.commitHash as string };
  if (i.kind === 'commit_timelocked_weights') {
    // Always the stored ciphertext: a re-sign (stale nonce, expired era, a restart) commits the same bytes.
    const t = store.timelock.get(i.id);
    return { kind: 'commit_timelocked_weights', netuid: i.netuid, ciphertext: t.ciphertext, revealRound: t.revealRound, version: t.version };
  }
  return { kind: 'reveal_weights', netuid: i.netuid, uids: i.uids, values: i.values, salt: salt ?? [], versionKey: i.versionKey };
}

/** Pre-validates an intent's call on a state read at the head. */
export function verdictFor(i: CommitIntent, s: WeightsChainState): Verdict {
  const c = { netuid: i.netuid, uids: i.uids, values: i.values, versionKey: i.versionKey };
  if (i.kind === 'set_weights') return checkSetWeights(s, c);
  // A timelocked commit passes the same checks as commit_weights (subnets/weights.rs), the weights checked locally.
  if (i.kind === 'commit_weights' || i.kind === 'commit_timelocked_weights') return checkCommitWeights(s, c);
  return checkRevealWeights(s, c, i.commitHash as string);
}

/**
 * Drives one intent to its end. `state`, when given, is the chain state just read for a just-created intent (saves a
 * read). @throws WeightsUnconfirmedError, WeightsWaitError (the intent stays resumable) */
export async function driveIntent(ctx: DriverContext, id: number, state?: WeightsChainState): Promise<IntentOutcome> {
  let fresh = state;
  const { conn, store, o } = ctx;
  const repo = store.intents;
  const salt = (): number[] | null => {
    const i = repo.get(id);
    if (i.kind !== 'reveal_weights') return null;
    const r = store.db.prepare('SELECT salt FROM commit_reveals WHERE reveal_intent_id = ?').get(id) as { salt: string } | undefined;
    return r === undefined ? null : (JSON.parse(r.salt) as number[]);
  };
  const revealLast = (revealId: number): number | null => {
    const r = store.db.prepare('SELECT reveal_last FROM commit_reveals WHERE reveal_intent_id = ?').get(revealId) as { reveal_last: number | null } | undefined;
    return r?.reveal_last ?? null;
  };
  const end = (failure: IntentOutcome['failure'], chainError: string | null, firstAllowedBlock: number | null = null): IntentOutcome =>
    ({ intent: repo.get(id), failure, chainError, firstAllowedBlock });
  let retries = 0;
  let resigned = 0;
  let backoff = o.backoffMs;

  for (;;) {
    o.signal?.throwIfAborted();
    const i = repo.get(id);
    try {
      if (i.state === 'finalized') return end(null, null);
      if (i.state === 'failed') return end(i.failureKind ?? 'dispatch', i.error);

      if (i.state === 'in_block') {
        const { error } = await readOutcome(conn, i.blockHash as string, i.extrinsicHash as string);
        const head = await waitForHead(conn, i.blockNumber as number, o.inclusionTimeoutMs, o.pollMs, o.signal ?? undefined);
        const canonical = await conn.call('read a block hash', async (api) => (await api.rpc.chain.getBlockHash(i.blockNumber as number)).toHex());
        if (canonical !== i.blockHash) {
          o.log(`intent ${id}: block ${i.blockNumber} was retracted (head ${head}); watching again`);
          repo.markRetracted(id);
          continue;
        }
        if (error === null) {
          repo.markFinalized(id);
          crashPoint(`intent.finalized.${i.kind}`);
          return end(null, null);
        }
        repo.markFailed(id, error, 'dispatch');
        return end('dispatch', error);
      }

      if (i.state === 'planned' && i.extrinsicHex === null) {
        if (i.notBefore !== null) await waitForHead(conn, i.notBefore - 1, o.maxWaitMs, o.pollMs, o.signal ?? undefined);
        // The caller's state is used once, when it is as fresh as a read would be (the intent was just created).
        const s = fresh !== undefined && i.notBefore === null ? fresh : await readWeightsChainState(conn, i.netuid, i.hotkey);
        fresh = undefined;
        const v = verdictFor(i, s);
        if (!v.ok) {
          const reschedulable = v.firstAllowedBlock !== null && (v.chainError === 'SettingWeightsTooFast' || v.chainError === 'CommittingWeightsTooFast' || v.chainError === 'RevealTooEarly');
          if (reschedulable) {
            o.log(`intent ${id}: ${v.chainError} at block ${s.block + 1}; rescheduled for block ${v.firstAllowedBlock}`);
            repo.reschedule(id, v.firstAllowedBlock as number);
            continue;
          }
          repo.markFailed(id, v.chainError, 'refused');
          return end('refused', v.chainError);
        }
        const signed = await signWeightCall(conn, ctx.pair, callOf(i, salt(), store), eraFor(i.kind === 'reveal_weights' ? revealLast(id) : null, s.block, o.eraPeriod), { number: s.block, hash: s.blockHash });
        repo.sign(id, { nonce: signed.nonce, eraBirth: signed.eraBirth, eraPeriod: signed.eraPeriod, extrinsicHex: signed.hex, extrinsicHash: signed.hash });
        crashPoint(`intent.signed.${i.kind}`);
        continue;
      }

      // Signed (planned or submitted): it may have been sent before.
      if (i.attempts > 0) {
        const found = await findExtrinsic(conn, i.extrinsicHash as string, i.eraBirth as number, (i.eraBirth as number) + (i.eraPeriod as number) - 1);
        if (found !== null) {
          repo.markInBlock(id, found.number, found.hash);
          continue;
        }
        const [head, nonce] = await Promise.all([finalizedHead(conn), accountNonce(conn, i.hotkey)]);
        if (head.number + 1 >= (i.eraBirth as number) + (i.eraPeriod as number)) {
          repo.releaseForResign(id, `era of blocks ${i.eraBirth}..${(i.eraBirth as number) + (i.eraPeriod as number) - 1} expired unincluded`);
          continue;
        }
        if (nonce > (i.nonce as number)) {
          repo.releaseForResign(id, `nonce ${i.nonce} was used by another extrinsic`);
          continue;
        }
      }
      if (i.kind === 'reveal_weights') {
        // A reveal's bytes may wait in the store past its window (a crash between signing and sending, a long
        // restart): sent then, the chain would fail it (ExpiredWeightCommit) in a block. Not sent: it ends expired.
        const last = revealLast(id);
        const head = (await finalizedHead(conn)).number;
        if (last !== null && head + 1 > last) {
          o.log(`intent ${id}: the reveal window ended at block ${last} (head ${head}); not sending it`);
          repo.markFailed(id, 'ExpiredWeightCommit', 'expired');
          return end('expired', 'ExpiredWeightCommit');
        }
      }
      repo.markSubmitted(id);
      crashPoint(`intent.sending.${i.kind}`);
      const r = await sendAndWatch(conn, i.extrinsicHex as string, o.inclusionTimeoutMs, o.signal ?? undefined);
      if (r.kind === 'in_block') {
        crashPoint(`intent.included.${i.kind}`);
        const number = await blockNumberOf(conn, r.blockHash);
        repo.markInBlock(id, number, r.blockHash);
        crashPoint(`intent.in_block.${i.kind}`);
        continue;
      }
      if (r.kind === 'rejected' && (r.rpcCode === 1013 || r.rpcCode === 1012)) {
        // Already in the pool or recently included: our bytes; look for them in blocks on the next turn.
        o.log(`intent ${id}: the node has this extrinsic already (${r.reason}); waiting for it`);
        await sleep(o.pollMs, o.signal);
        continue;
      }
      const stale = r.kind === 'dropped' || isStale(r.reason, r.rpcCode);
      if (stale) {
        const found = await findExtrinsic(conn, i.extrinsicHash as string, i.eraBirth as number, (i.eraBirth as number) + (i.eraPeriod as number) - 1);
        if (found !== null) {
          repo.markInBlock(id, found.number, found.hash);
          continue;
        }
        if (resigned === 0) {
          resigned++;
          o.log(`intent ${id}: ${r.reason}; refreshing the nonce and signing again (once)`);
          repo.releaseForResign(id, r.reason);
          continue;
        }
      }
      repo.markFailed(id, r.reason, 'rejected');
      return end('rejected', r.reason);
    } catch (e) {
      // A stop: the intent stays as it is in the store (resumable); no retry.
      if (o.signal?.aborted === true) throw e;
      if (e instanceof WeightsWaitError) throw e;
      if (e instanceof ChainTimeoutError && /^wait for block/.test(e.message) && i.state === 'planned') {
        throw new WeightsWaitError(`intent ${id}: ${e.message}; it stays planned and a restart resumes it`);
      }
      retries++;
      if (retries > o.maxRetries) throw new WeightsUnconfirmedError(id, (e as Error).message);
      o.log(`intent ${id}: ${(e as Error).message}; retry ${retries}/${o.maxRetries} in ${backoff} ms`);
      await sleep(backoff, o.signal);
      backoff = Math.min(backoff * 2, o.maxBackoffMs);
    }
  }
}
