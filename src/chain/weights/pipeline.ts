import { randomBytes } from 'node:crypto';
import type { KeyringPair } from '@polkadot/keyring/types';
import { convertWeightsAndUidsForEmit, processWeightsForNetuid, type EmittedWeights } from '../../scoring/index.js';
import { crashPoint } from '../../faults/index.js';
import type { CommitIntent, Store } from '../../store/index.js';
import type { ChainConnection } from '../connection.js';
import { readWeightsChainState, type WeightsChainState } from './chain-state.js';
import { weightsCommitHash } from './commit-hash.js';
import { revealWindow } from './epoch.js';
import { PrevalidationError, RevealExpiredError, WeightsDispatchError, WeightsRejectedError } from './errors.js';
import { driveIntent, verdictFor, type DriverContext, type IntentOutcome } from './intent-driver.js';
import { resolvePipelineOptions, type WeightsPipelineOptions } from './options.js';
import { readTimelockCommitParams } from '../timelock-params.js';
import { commitTimelocked, reconcileOne, recordFirstReveal, TIMELOCK_PATH_DEFAULTS, type ReconcileOutcome, type TimelockPathOptions } from './timelocked.js';
import type { Verdict } from './prevalidate.js';

/*
 * The weight pipeline: float scores → the SDK's processing with the chain's n / MinAllowedWeights / MaxWeightsLimit →
 * pre-validation in the chain's order → set_weights, or commit_weights then reveal_weights under commit-reveal, each
 * as a stored intent driven to its end (intent-driver.ts). A commit's salt is stored with its intent before anything
 * is signed, so a restart (`resume`) can always reveal it in its window.
 */

/** Weights in chain units, for one subnet. */
export interface WeightsToSet {
  netuid: number;
  uids: readonly number[];
  values: readonly number[];
  /** Default: the subnet's WeightsVersionKey. */
  versionKey?: bigint;
}

/** A landed weight call. */
export interface WeightsLanded {
  intent: CommitIntent;
  /** For a commit: its reveal window (blocks, inclusive). */
  revealWindow: { first: number; last: number } | null;
}

/** What would be sent, and the chain's verdict on it now. */
export interface WeightsPreview {
  state: WeightsChainState;
  kind: 'set_weights' | 'commit_weights' | 'commit_timelocked_weights';
  versionKey: bigint;
  verdict: Verdict;
}

const SALT_LENGTH = 8;

/** The weight pipeline of one hotkey on one chain connection. */
export class WeightsPipeline {
  private readonly ctx: DriverContext;
  private readonly tl: TimelockPathOptions;
  readonly hotkey: string;

  /**
   * @param conn a shared chain connection (every call has a deadline)
   * @param store the validator's store, where intents, signed bytes and salts live
   * @param pair the hotkey (signs; never logged)
   */
  constructor(readonly conn: ChainConnection, readonly store: Store, pair: KeyringPair, options: WeightsPipelineOptions = {}, timelock: Partial<TimelockPathOptions> = {}) {
    this.ctx = { conn, store, pair, o: resolvePipelineOptions(options) };
    this.tl = { ...TIMELOCK_PATH_DEFAULTS, ...Object.fromEntries(Object.entries(timelock).filter(([, v]) => v !== undefined)) };
    this.hotkey = pair.address;
    // Closed history would otherwise grow by an intent per tempo forever; what a restart needs is never pruned.
    const days = this.ctx.o.historyDays;
    if (days > 0) {
      const pruned = store.intents.prune(new Date(Date.now() - days * 86_400_000));
      if (pruned > 0) this.ctx.o.log(`store: pruned ${pruned} closed intents older than ${days} days`);
    }
  }

  private get chainId(): string {
    return this.conn.api.genesisHash.toHex();
  }

  /** Reads what pre-validation needs at the head. */
  readState(netuid: number): Promise<WeightsChainState> {
    return readWeightsChainState(this.conn, netuid, this.hotkey);
  }

  /**
   * Float scores to u16 uids and values exactly as the SDK does, with the chain's n, MinAllowedWeights and
   * MaxWeightsLimit (whatever a file says about them).
   */
  process(state: WeightsChainState, uids: readonly number[], weights: readonly number[], excludeQuantile = 0): EmittedWeights {
    const p = processWeightsForNetuid(uids, weights, { n: state.n, minAllowedWeights: state.minAllowedWeights, maxWeightsLimit: state.maxWeightsLimit }, excludeQuantile);
    return convertWeightsAndUidsForEmit(p.uids, p.weights);
  }

  /** The call that would be sent for these weights and the chain's verdict on it at the head (nothing is sent). */
  async preview(w: WeightsToSet): Promise<WeightsPreview> {
    const state = await this.readState(w.netuid);
    const versionKey = w.versionKey ?? state.weightsVersionKey;
    const kind = !state.commitRevealEnabled ? 'set_weights' : (await this.timelockVersion(w.netuid, state)) !== null ? 'commit_timelocked_weights' : 'commit_weights';
    const probe = { kind, netuid: w.netuid, uids: [...w.uids], values: [...w.values], versionKey, commitHash: null, hotkey: this.hotkey } as unknown as CommitIntent;
    return { state, kind, versionKey, verdict: verdictFor(probe, state) };
  }

  /**
   * set_weights, or under commit-reveal (CommitRevealWeightsEnabled) a timelocked commit where the runtime has
   * commit_timelocked_weights, else commit_weights (v2).
   */
  async submit(w: WeightsToSet): Promise<WeightsLanded> {
    const state = await this.readState(w.netuid);
    if (!state.commitRevealEnabled) return this.setWeights(w, state);
    return (await this.timelockVersion(w.netuid, state)) !== null ? this.commitTimelocked(w, state) : this.commitWeights(w, state);
  }

  /** Which commit a commit-reveal subnet gets at the state's block: timelocked where the runtime has the call, else v2. */
  async commitCall(state: WeightsChainState): Promise<'commit_timelocked_weights' | 'commit_weights'> {
    return (await this.timelockVersion(state.netuid, state)) !== null ? 'commit_timelocked_weights' : 'commit_weights';
  }

  /** The runtime's CommitRevealWeightsVersion at the state's block, or null when it has no commit_timelocked_weights. */
  private async timelockVersion(netuid: number, state: WeightsChainState): Promise<number | null> {
    return (await readTimelockCommitParams(this.conn, netuid, state.blockHash)).commitRevealVersion;
  }

  /**
   * Commits weights timelocked to the drand round of their reveal epoch (timelocked.ts): the ciphertext stored with the
   * intent before signing, the commit landed once. The chain reveals it; `reconcileTimelocked` checks that it did.
   * Its reveal window is the reveal epoch's blocks. @throws as setWeights
   */
  async commitTimelocked(w: WeightsToSet, state?: WeightsChainState): Promise<WeightsLanded> {
    const s = state ?? (await this.readState(w.netuid));
    const params = await readTimelockCommitParams(this.conn, w.netuid, s.blockHash);
    const plan = { chain: this.chainId, netuid: w.netuid, uids: w.uids, values: w.values, versionKey: w.versionKey ?? s.weightsVersionKey };
    const landed = this.finish(await commitTimelocked(this.ctx, this.tl, plan, s, params));
    const r = await recordFirstReveal(this.ctx, landed.intent);
    return { ...landed, revealWindow: { first: r.first, last: r.last } };
  }

  /**
   * Reconciles this hotkey's landed timelocked commits whose reveal epoch has come: revealed, dropped (committed again
   * with the same weights when `recommit`, the default), failed, or still waiting.
   */
  async reconcileTimelocked(opts: { recommit?: boolean } = {}): Promise<ReconcileOutcome[]> {
    const out: ReconcileOutcome[] = [];
    for (const c of this.ctx.store.timelock.listPending()) {
      if (c.commit.hotkey !== this.hotkey || c.commit.chain !== this.chainId) continue;
      const recommit = opts.recommit === false ? null : async (dropped: typeof c, reason: string) => {
        this.ctx.o.log(`intent ${dropped.commitIntentId}: timelocked commit dropped by the chain (${reason}); committing the same weights again`);
        const s = await this.readState(dropped.commit.netuid);
        const params = await readTimelockCommitParams(this.conn, dropped.commit.netuid, s.blockHash);
        const plan = { chain: this.chainId, netuid: dropped.commit.netuid, uids: dropped.commit.uids, values: dropped.commit.values, versionKey: dropped.commit.versionKey };
        return commitTimelocked(this.ctx, this.tl, plan, s, params, { id: dropped.commitIntentId, error: reason });
      };
      out.push(await reconcileOne(this.ctx, c, recommit));
    }
    return out;
  }

  /**
   * Sets weights: pre-validated, rescheduled to the rate limit's first block when needed, landed once.
   * @throws PrevalidationError, WeightsDispatchError, WeightsRejectedError, WeightsUnconfirmedError, WeightsWaitError
   */
  async setWeights(w: WeightsToSet, state?: WeightsChainState): Promise<WeightsLanded> {
    const s = state ?? (await this.readState(w.netuid));
    const plan = { kind: 'set_weights' as const, chain: this.chainId, netuid: w.netuid, hotkey: this.hotkey, uids: w.uids, values: w.values, versionKey: w.versionKey ?? s.weightsVersionKey };
    const intent = this.ctx.store.intents.create(plan);
    let out = await driveIntent(this.ctx, intent.id, s);
    if (out.failure === 'dispatch' && out.chainError === 'SettingWeightsTooFast') {
      // Another setter of this hotkey landed between our pre-validation and our block. That extrinsic is spent (its
      // failure is recorded); a new intent is pre-validated again and so rescheduled to the new first allowed block.
      this.ctx.o.log(`intent ${intent.id}: SettingWeightsTooFast in block ${out.intent.blockNumber}; planning it again`);
      out = await driveIntent(this.ctx, this.ctx.store.intents.create(plan).id);
    }
    return this.finish(out);
  }

  /**
   * Commits weights under commit-reveal: a random salt stored before anything is signed, the chain's hash, the commit
   * landed once. The reveal is left pending in the store (`revealPending` / `resume` do it in its window).
   */
  async commitWeights(w: WeightsToSet, state?: WeightsChainState): Promise<WeightsLanded> {
    const s = state ?? (await this.readState(w.netuid));
    const versionKey = w.versionKey ?? s.weightsVersionKey;
    const salt = Array.from(new Uint16Array(randomBytes(SALT_LENGTH * 2).buffer));
    const commitHash = weightsCommitHash(this.hotkey, w.netuid, w.uids, w.values, salt, versionKey);
    const { intents, reveals, db } = this.ctx.store;
    const intent = db.transaction(() => {
      const i = intents.create({ kind: 'commit_weights', chain: this.chainId, netuid: w.netuid, hotkey: this.hotkey, uids: w.uids, values: w.values, versionKey, commitHash });
      reveals.saveSalt(i.id, salt);
      return i;
    })();
    const landed = this.finish(await driveIntent(this.ctx, intent.id, s));
    return { ...landed, revealWindow: await this.recordWindow(landed.intent) };
  }

  private finish(out: IntentOutcome): WeightsLanded {
    const i = out.intent;
    if (out.failure === null) return { intent: i, revealWindow: null };
    if (out.failure === 'refused') throw new PrevalidationError(out.chainError ?? 'unknown', `intent ${i.id} was not sent`, out.firstAllowedBlock);
    if (out.failure === 'dispatch') throw new WeightsDispatchError(out.chainError ?? 'unknown', i.id, i.blockNumber ?? -1);
    throw new WeightsRejectedError(i.id, out.chainError ?? 'unknown');
  }

  /** Stores a landed commit's block and reveal window; returns the window. */
  private async recordWindow(commit: CommitIntent): Promise<{ first: number; last: number }> {
    const r = this.ctx.store.reveals.get(commit.id);
    if (r.revealFirst !== null && r.revealLast !== null) return { first: r.revealFirst, last: r.revealLast };
    const s = await readWeightsChainState(this.conn, commit.netuid, this.hotkey, commit.blockHash ?? 'finalized');
    const w = revealWindow(commit.blockNumber as number, commit.netuid, s.tempo, Number(s.revealPeriodEpochs));
    this.ctx.store.reveals.setWindow(commit.id, commit.blockNumber as number, w.first, w.last);
    return w;
  }

  /**
   * Reveals every pending commit of this hotkey in its window (waiting for the window when needed), oldest first.
   * A commit whose window has passed is closed as expired. Returns the reveal intents' outcomes.
   */
  async revealPending(): Promise<Array<{ commitIntentId: number; status: 'revealed' | 'expired' | 'failed'; error: string | null; reveal: CommitIntent | null }>> {
    const out: Array<{ commitIntentId: number; status: 'revealed' | 'expired' | 'failed'; error: string | null; reveal: CommitIntent | null }> = [];
    const { intents, reveals, db } = this.ctx.store;
    for (const p of reveals.listPending()) {
      if (p.commit.hotkey !== this.hotkey || p.commit.chain !== this.chainId) continue;
      if (p.commit.state === 'failed') {
        reveals.close(p.commitIntentId, 'failed', `the commit failed: ${p.commit.error}`);
        out.push({ commitIntentId: p.commitIntentId, status: 'failed', error: p.commit.error, reveal: null });
        continue;
      }
      if (p.commit.state !== 'finalized') continue;
      const w = await this.recordWindow(p.commit);
      let revealId = p.revealIntentId;
      if (revealId === null) {
        revealId = db.transaction(() => {
          const c = p.commit;
          const r = intents.create({ kind: 'reveal_weights', chain: c.chain, netuid: c.netuid, hotkey: c.hotkey, uids: c.uids, values: c.values, versionKey: c.versionKey, commitHash: c.commitHash, notBefore: w.first });
          reveals.setRevealIntent(p.commitIntentId, r.id);
          return r.id;
        })();
        crashPoint('reveal.planned');
      }
      const head = (await this.readState(p.commit.netuid)).block;
      const revealIntent = intents.get(revealId);
      if (revealIntent.state === 'planned' && revealIntent.extrinsicHex === null && head + 1 > w.last) {
        intents.markFailed(revealId, 'ExpiredWeightCommit', 'expired');
        reveals.close(p.commitIntentId, 'expired', new RevealExpiredError(p.commitIntentId, w.last, head).message);
        out.push({ commitIntentId: p.commitIntentId, status: 'expired', error: 'ExpiredWeightCommit', reveal: intents.get(revealId) });
        continue;
      }
      const res = await driveIntent(this.ctx, revealId);
      if (res.failure === null) {
        crashPoint('reveal.landed');
        reveals.close(p.commitIntentId, 'revealed');
        out.push({ commitIntentId: p.commitIntentId, status: 'revealed', error: null, reveal: res.intent });
      } else {
        const expired = res.chainError === 'ExpiredWeightCommit';
        reveals.close(p.commitIntentId, expired ? 'expired' : 'failed', res.chainError);
        out.push({ commitIntentId: p.commitIntentId, status: expired ? 'expired' : 'failed', error: res.chainError, reveal: res.intent });
      }
    }
    return out;
  }

  /**
   * After a restart: drives every open intent of this hotkey (same bytes for what was signed), records the windows of
   * landed commits, then reveals the pending commits in their windows.
   */
  async resume(): Promise<{ intents: IntentOutcome[]; reveals: Awaited<ReturnType<WeightsPipeline['revealPending']>> }> {
    const done: IntentOutcome[] = [];
    for (const i of this.ctx.store.intents.listOpen()) {
      if (i.hotkey !== this.hotkey || i.chain !== this.chainId || i.kind === 'reveal_weights') continue;
      const r = await driveIntent(this.ctx, i.id);
      if (r.intent.kind === 'commit_weights' && r.failure === null) await this.recordWindow(r.intent);
      if (r.intent.kind === 'commit_timelocked_weights' && r.failure === null) await recordFirstReveal(this.ctx, r.intent);
      done.push(r);
    }
    return { intents: done, reveals: await this.revealPending() };
  }
}
