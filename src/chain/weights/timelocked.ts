import { hexToU8a, u8aToHex } from '@polkadot/util';
import { decodeAddress } from '@polkadot/util-crypto';
import { encodeWeightsPayload, firstRevealBlock, revealRound, TimelockWorker, QUICKNET_GENESIS_TIME, QUICKNET_PERIOD_SECONDS, QUICKNET_PUBLIC_KEY_HEX } from '../../timelock/index.js';
import type { CommitIntent, TimelockCommit } from '../../store/index.js';
import { crashPoint } from '../../faults/index.js';
import { readStorageAt, resolveBlock } from '../storage/index.js';
import { readTimelockCommitParams, type TimelockCommitParams } from '../timelock-params.js';
import type { WeightsChainState } from './chain-state.js';
import { epochIndex, revealWindow } from './epoch.js';
import { driveIntent, type DriverContext, type IntentOutcome } from './intent-driver.js';

/*
 * The timelocked commit path (runtimes with commit_timelocked_weights, spec 343 on): the weights are encrypted to the
 * drand round of their reveal epoch (the SDK's formula, src/timelock/reveal-round.ts) and committed once; the chain
 * decrypts and sets them itself when the round's pulse is stored, so there is no reveal to send. The ciphertext is
 * randomised, so it is stored with the intent, in one transaction, before anything is signed (store/timelock-commits.ts):
 * a resume or a re-sign commits the same bytes and one intent never becomes two different commits.
 *
 * The chain drops a commit it cannot open (wrong round or key, corrupted bytes, another hotkey's payload) without an
 * event or an error: reconcile() finds out after the reveal. Revealed means a TimelockedWeightsRevealed event for this
 * hotkey on this subnet in a block of the reveal epoch. Dropped means no such event and the commit gone from
 * TimelockedWeightCommits (read by the block formula's epoch key; on runtimes that schedule epochs from storage, the key
 * is not derived and the verdict waits for the reveal epoch to end, when the chain removes what it kept). The event
 * names no commit, so two timelocked commits of one hotkey in one epoch cannot be told apart (the service commits once
 * per tempo).
 */

/** What the timelocked path needs besides the driver's context. */
export interface TimelockPathOptions {
  /** The beacon's compressed G2 public key; default quicknet's. */
  beaconPublicKey: Uint8Array;
  /** The beacon's genesis (Unix seconds) and period (seconds); default quicknet's. */
  genesisTime: number;
  periodSeconds: number;
  /** Wall clock, ms (the round is aimed at a wall time). */
  now: () => number;
  /** The encryption, off the caller's thread by default (a shared TimelockWorker). */
  encrypt: (payload: Uint8Array, round: bigint, beaconPublicKey: Uint8Array) => Promise<Uint8Array>;
}

let sharedWorker: TimelockWorker | null = null;

/** The default encryption: one worker thread for the process, started on first use, unref'd while idle. */
function workerEncrypt(payload: Uint8Array, round: bigint, pk: Uint8Array): Promise<Uint8Array> {
  sharedWorker ??= new TimelockWorker();
  return sharedWorker.encrypt(payload, round, pk);
}

export const TIMELOCK_PATH_DEFAULTS: Readonly<TimelockPathOptions> = Object.freeze({
  beaconPublicKey: hexToU8a(`0x${QUICKNET_PUBLIC_KEY_HEX.replace(/^0x/, '')}`),
  genesisTime: QUICKNET_GENESIS_TIME,
  periodSeconds: QUICKNET_PERIOD_SECONDS,
  now: () => Date.now(),
  encrypt: workerEncrypt,
});

/** A timelocked commit to make. */
export interface TimelockedPlan {
  chain: string;
  netuid: number;
  uids: readonly number[];
  values: readonly number[];
  versionKey: bigint;
}

/**
 * Encrypts and commits weights timelocked: the round from the state's block, the ciphertext stored with a new intent
 * (and `linkTo`'s dropped commit pointing at it, in the same transaction), then the intent driven to its end.
 */
export async function commitTimelocked(ctx: DriverContext, t: TimelockPathOptions, plan: TimelockedPlan, state: WeightsChainState, params: TimelockCommitParams, linkTo?: { id: number; error: string }): Promise<IntentOutcome> {
  if (params.commitRevealVersion === null) throw new RangeError('commitTimelocked: the runtime has no commit_timelocked_weights');
  const round = revealRound({
    block: state.block, netuid: plan.netuid, tempo: params.tempo, revealPeriodEpochs: params.revealPeriodEpochs, nowSeconds: t.now() / 1000,
    schedule: params.schedule, genesisTime: t.genesisTime, periodSeconds: t.periodSeconds,
  }).round;
  const payload = encodeWeightsPayload({ hotkey: ctx.pair.publicKey, uids: plan.uids, values: plan.values, versionKey: plan.versionKey });
  const ciphertext = u8aToHex(await t.encrypt(payload, round, t.beaconPublicKey));
  const { intents, timelock, db } = ctx.store;
  const intent = db.transaction(() => {
    const i = intents.create({ kind: 'commit_timelocked_weights', chain: plan.chain, netuid: plan.netuid, hotkey: ctx.pair.address, uids: plan.uids, values: plan.values, versionKey: plan.versionKey });
    timelock.save(i.id, { ciphertext, revealRound: round, version: params.commitRevealVersion as number, plannedBlock: state.block });
    if (linkTo !== undefined) timelock.close(linkTo.id, 'dropped', { error: linkTo.error, recommitIntentId: i.id });
    return i;
  })();
  ctx.o.log(`intent ${intent.id}: timelocked commit for drand round ${round} (planned at block ${state.block})`);
  crashPoint('timelock.stored');
  const out = await driveIntent(ctx, intent.id, state);
  if (out.failure === null) await recordFirstReveal(ctx, out.intent);
  return out;
}

/** Stores (once) the first block of a landed commit's reveal epoch; returns it, the reveal epoch's last block and how epochs are counted. */
export async function recordFirstReveal(ctx: DriverContext, commit: CommitIntent): Promise<{ first: number; last: number; formula: boolean; tempo: number }> {
  const p = await readTimelockCommitParams(ctx.conn, commit.netuid, commit.blockHash as string);
  const stored = ctx.store.timelock.get(commit.id).firstRevealBlock;
  const first = stored ?? firstRevealBlock(commit.blockNumber as number, commit.netuid, p.tempo, p.revealPeriodEpochs, p.schedule);
  if (stored === null) ctx.store.timelock.setFirstRevealBlock(commit.id, first);
  const formula = p.schedule.kind === 'formula';
  return { first, last: formula ? revealWindow(commit.blockNumber as number, commit.netuid, p.tempo, p.revealPeriodEpochs).last : first + p.tempo, formula, tempo: p.tempo };
}

/** One reconciled commit. */
export type ReconcileOutcome =
  /** The chain set the committed weights (TimelockedWeightsRevealed in `block`). */
  | { kind: 'revealed'; commitIntentId: number; block: number }
  /** The chain discarded the commit without a word; `recommit` is the new intent's outcome, when one was made. */
  | { kind: 'dropped'; commitIntentId: number; reason: string; recommit: IntentOutcome | null }
  /** The commit never landed (its intent failed). */
  | { kind: 'failed'; commitIntentId: number; error: string | null }
  /** Not decided yet: the commit is not final, its reveal epoch has not come, or its pulse may still come. */
  | { kind: 'waiting'; commitIntentId: number; until: number | null };

/** Looks for TimelockedWeightsRevealed(netuid, hotkey) in blocks from..to; returns the block or null. */
async function findRevealEvent(ctx: DriverContext, netuid: number, hotkey: string, from: number, to: number): Promise<number | null> {
  const who = u8aToHex(decodeAddress(hotkey));
  for (let b = from; b <= to; b++) {
    const hit = await ctx.conn.call(`read the events of block ${b}`, async (api) => {
      const hash = (await api.rpc.chain.getBlockHash(b)).toHex();
      const [records] = await readStorageAt(api, hash, [['system', 'events', []]]);
      const events = (records ?? []) as unknown as Array<{ event: { section: string; method: string; data: Array<{ toString(): string; toU8a?(): Uint8Array }> } }>;
      return events.some(({ event: e }) => e.section === 'subtensorModule' && e.method === 'TimelockedWeightsRevealed'
        && Number(e.data[0]?.toString()) === netuid && u8aToHex(decodeAddress(e.data[1]?.toString() ?? '')) === who);
    });
    if (hit) return b;
  }
  return null;
}

/** Whether the commit's ciphertext is still in TimelockedWeightCommits(netuid, epoch) at `hash` (kept, awaiting a pulse). */
async function stillStored(ctx: DriverContext, c: TimelockCommit, epoch: number, hash: string): Promise<boolean> {
  return ctx.conn.call('read the timelocked commits', async (api) => {
    const [v] = await readStorageAt(api, hash, [['subtensorModule', 'timelockedWeightCommits', [c.commit.netuid, epoch]]]);
    const rows = ((v?.toJSON() as Array<[string, unknown, string, unknown]> | null | undefined) ?? []);
    return rows.some(([, , ct]) => String(ct).toLowerCase() === c.ciphertext);
  });
}

/**
 * Decides one pending timelocked commit at the finalized head (see the header); a dropped one is committed again with
 * the same weights when `recommit` is given (a fresh ciphertext for a new round, linked to the dropped one).
 */
export async function reconcileOne(ctx: DriverContext, c: TimelockCommit, recommit: ((dropped: TimelockCommit, reason: string) => Promise<IntentOutcome>) | null): Promise<ReconcileOutcome> {
  const id = c.commitIntentId;
  if (c.commit.state === 'failed') {
    ctx.store.timelock.close(id, 'failed', { error: c.commit.error });
    return { kind: 'failed', commitIntentId: id, error: c.commit.error };
  }
  if (c.commit.state !== 'finalized') return { kind: 'waiting', commitIntentId: id, until: null };
  const w = await recordFirstReveal(ctx, c.commit);
  const head = await resolveBlock(ctx.conn, 'finalized');
  if (head.number < w.first) return { kind: 'waiting', commitIntentId: id, until: w.first };
  const found = await findRevealEvent(ctx, c.commit.netuid, c.commit.hotkey, w.first, Math.min(head.number, w.last));
  if (found !== null) {
    ctx.store.timelock.close(id, 'revealed', { block: found });
    return { kind: 'revealed', commitIntentId: id, block: found };
  }
  if (head.number <= w.last) {
    // In the reveal epoch: still stored means kept (its pulse has not come); gone without an event means dropped.
    if (!w.formula || (await stillStored(ctx, c, epochIndex(c.commit.blockNumber as number, c.commit.netuid, w.tempo), head.hash))) return { kind: 'waiting', commitIntentId: id, until: w.last + 1 };
  }
  const reason = head.number > w.last
    ? `no TimelockedWeightsRevealed in its reveal epoch (blocks ${w.first}..${w.last}): the chain dropped it or its pulse never came`
    : `gone from TimelockedWeightCommits at block ${head.number} with no TimelockedWeightsRevealed since block ${w.first}: the chain dropped it`;
  if (recommit === null) {
    ctx.store.timelock.close(id, 'dropped', { error: reason });
    return { kind: 'dropped', commitIntentId: id, reason, recommit: null };
  }
  return { kind: 'dropped', commitIntentId: id, reason, recommit: await recommit(c, reason) };
}
