import type { Logger } from 'pino';
import { epochIndex, syncMetagraph, type ChainConnection, type Metagraph, type WeightsPipeline } from '../chain/index.js';
import { crashPoint } from '../faults/index.js';
import { maxUpscaleU16 } from '../simulation/index.js';
import type { ScoreBook } from '../scoring/index.js';
import type { CommitIntent, Store, ValidatorKey } from '../store/index.js';
import { nextEpochBlock, rawWeights, weightsDue } from './cadence.js';
import type { ValidatorMetrics } from './metrics.js';
import type { ValidatorConfig } from './options.js';
import { predictEpoch } from './prediction.js';

/*
 * The weights lane: everything that talks to the chain about weights, one job at a time, kicked by every finalized
 * head, beside the step loop (a weight call waiting for its block never delays a step, and the reverse).
 * Order of a job: (1) the store's open intents and pending reveals are resumed, before anything new is planned;
 * (2) predictions whose epoch has run are compared with what the chain stored; (3) due reveals are sent; (4) when
 * the warm-up is over and the cadence says so, the score book becomes weights (the SDK processing with the chain's
 * parameters), the next epoch is predicted, and the call goes through the WeightsPipeline. A submission counts as
 * landed only once LastUpdate and Weights at a finalized block show it. A timelocked commit (runtimes with
 * commit_timelocked_weights) has no reveal to send: once its reveal epoch has come it is reconciled (3b), and it counts
 * as landed when the chain has revealed it; one the chain dropped is counted (outcome `dropped`), alerted, and
 * committed again by the pipeline.
 */

/** The metric label of a call (the timelocked commit is `commit_timelocked`). */
function callLabel(kind: string): string {
  return kind === 'commit_timelocked_weights' ? 'commit_timelocked' : kind;
}

/** What the lane reports to the validator. */
export interface LaneEvents {
  submitted(e: { call: string; outcome: string; intentId: number | null; block: number | null; error: string | null }): void;
  landed(e: { call: string; block: number; landed: number; uids: number[]; values: number[] }): void;
  prediction(e: { epochBlock: number; vtrust: number; dividends: number }): void;
  predictionChecked(e: { epochBlock: number; diffVtrust: number; diffDividends: number; maxDiffIncentive: number }): void;
  metagraph(m: Metagraph): void;
}

/** What the lane works with. */
export interface LaneContext {
  conn: ChainConnection;
  store: Store;
  pipeline: WeightsPipeline;
  key: ValidatorKey;
  selfUid: number;
  config: ValidatorConfig;
  metrics: ValidatorMetrics;
  log: Logger;
  events: LaneEvents;
  /** The current score book (the step loop replaces it after each applied step). */
  book: () => ScoreBook;
  /** Whether the warm-up is over (scores restored, or enough miners scored since the start). */
  warm: () => boolean;
  /** Set once the validator is stopping: nothing new is planned. */
  signal: AbortSignal;
}

/** The weights lane of one validator. */
export class WeightsLane {
  private resumed = false;
  private running: Promise<void> | null = null;
  private again = false;
  /** The tempo of the last submission that landed or failed (no second attempt in that tempo). */
  private lastLandedTempo = -1;
  /** Landed submissions since the start (the --epochs count). */
  landed = 0;
  /** Block of the last landed submission (or reveal) since the start. */
  lastLandedBlock: number | null = null;

  constructor(private readonly ctx: LaneContext) {}

  /** Runs a job now, or once more after the running one (kicks never pile up). */
  kick(head: number): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.job(head);
        } catch (e) {
          this.ctx.log.warn({ err: (e as Error).message, code: (e as { code?: string }).code }, 'weights lane: job failed; retried at the next head');
        }
      } while (this.again);
    })().finally(() => { this.running = null; });
  }

  /** Resolves when the running job ends (or at once). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async job(head: number): Promise<void> {
    const { pipeline, log } = this.ctx;
    if (!this.resumed) {
      const r = await pipeline.resume();
      this.resumed = true;
      if (r.intents.length > 0 || r.reveals.length > 0) log.info({ intents: r.intents.length, reveals: r.reveals.length }, 'resumed the store\'s open intents and pending reveals');
      for (const rev of r.reveals) if (rev.status === 'revealed' && rev.reveal !== null) await this.confirm(rev.reveal);
    }
    await this.checkPredictions(head);
    await this.revealDue(head);
    await this.reconcileDue(head);
    if (!this.ctx.warm() || this.ctx.signal.aborted) return;
    await this.maybeSubmit();
  }

  private async checkPredictions(head: number): Promise<void> {
    const { store, key, conn, metrics, events } = this.ctx;
    for (const p of store.validator.openPredictions(key)) {
      if (head < p.epochBlock) continue;
      const m = await syncMetagraph(conn, key.netuid, { at: p.epochBlock });
      const r = store.validator.checkPrediction(p.id, { vtrust: m.validatorTrust[p.uid] ?? 0, dividends: m.dividends[p.uid] ?? 0, incentive: m.incentive });
      metrics.predictionError.set({ quantity: 'vtrust' }, r.diffVtrust ?? 0);
      metrics.predictionError.set({ quantity: 'dividends' }, r.diffDividends ?? 0);
      metrics.predictionError.set({ quantity: 'incentive' }, r.maxDiffIncentive ?? 0);
      metrics.vtrust.set((m.validatorTrust[p.uid] ?? 0) / 65535);
      events.predictionChecked({ epochBlock: p.epochBlock, diffVtrust: r.diffVtrust ?? 0, diffDividends: r.diffDividends ?? 0, maxDiffIncentive: r.maxDiffIncentive ?? 0 });
      this.ctx.log.info({ epochBlock: p.epochBlock, predictedVtrust: p.predictedVtrust, chainVtrust: r.chainVtrust, diffVtrust: r.diffVtrust, diffDividends: r.diffDividends, maxDiffIncentive: r.maxDiffIncentive }, 'prediction checked against the chain');
    }
  }

  private async revealDue(head: number): Promise<void> {
    const { store, pipeline, key } = this.ctx;
    const pending = store.reveals.listPending().filter((p) => p.commit.hotkey === key.hotkey && p.commit.netuid === key.netuid && p.commit.state === 'finalized');
    const due = pending.filter((p) => p.revealFirst !== null && head + 1 >= p.revealFirst && (p.revealLast === null || head + 1 <= p.revealLast));
    if (due.length === 0 && !pending.some((p) => p.revealFirst !== null && head + 1 >= p.revealFirst)) return;
    // Under commit-reveal the weights count from their reveal: the epoch after it is predicted with the committed row
    // just before the reveal goes out. When several reveals are due, the last one's row is what the epoch sees.
    const last = due.at(-1);
    let predicted: { commitId: number; id: number } | null = null;
    if (last !== undefined) {
      try {
        predicted = { commitId: last.commitIntentId, id: await this.predict(last.commit.uids, last.commit.values) };
      } catch (e) {
        // A prediction is a report: it never holds a reveal back inside its window.
        this.ctx.log.warn({ err: (e as Error).message }, 'no prediction for this reveal (the metagraph read failed)');
      }
    }
    for (const r of await pipeline.revealPending()) {
      this.ctx.metrics.submissions.inc({ call: 'reveal_weights', outcome: r.status === 'revealed' ? 'landed' : 'failed' });
      this.ctx.events.submitted({ call: 'reveal_weights', outcome: r.status, intentId: r.reveal?.id ?? null, block: r.reveal?.blockNumber ?? null, error: r.error });
      if (predicted !== null && r.commitIntentId === predicted.commitId) {
        if (r.status === 'revealed' && r.reveal?.blockNumber != null) store.validator.linkPrediction(predicted.id, r.reveal.id, nextEpochBlock(r.reveal.blockNumber, key.netuid, this.tempo));
        else store.validator.dropPrediction(predicted.id);
      }
      if (r.status === 'revealed' && r.reveal !== null) await this.confirm(r.reveal);
    }
  }

  /** Reconciles the landed timelocked commits whose reveal epoch has come (see the header). */
  private async reconcileDue(head: number): Promise<void> {
    const { store, pipeline, key, metrics, events, log } = this.ctx;
    const pending = store.timelock.listPending().filter((t) => t.commit.hotkey === key.hotkey && t.commit.netuid === key.netuid);
    if (!pending.some((t) => t.commit.state === 'failed' || (t.firstRevealBlock !== null && head >= t.firstRevealBlock))) return;
    for (const r of await pipeline.reconcileTimelocked()) {
      if (r.kind === 'revealed') await this.confirm(store.intents.get(r.commitIntentId));
      else if (r.kind === 'failed') metrics.submissions.inc({ call: 'commit_timelocked', outcome: 'failed' });
      else if (r.kind === 'dropped') {
        metrics.submissions.inc({ call: 'commit_timelocked', outcome: 'dropped' });
        events.submitted({ call: 'commit_timelocked_weights', outcome: 'dropped', intentId: r.commitIntentId, block: null, error: r.reason });
        log.error({ alert: 'timelocked_commit_dropped', intentId: r.commitIntentId, reason: r.reason, recommitIntentId: r.recommit?.intent.id ?? null }, 'ALERT: the chain dropped a timelocked weight commit; committing the same weights again');
        const again = r.recommit;
        if (again !== null) {
          const ok = again.failure === null;
          metrics.submissions.inc({ call: 'commit_timelocked', outcome: ok ? 'included' : 'failed' });
          events.submitted({ call: 'commit_timelocked_weights', outcome: ok ? 'included' : again.failure ?? 'failed', intentId: again.intent.id, block: again.intent.blockNumber, error: again.chainError });
        }
      }
    }
  }

  /** The subnet's tempo as last synced here (for the epoch block of a prediction). */
  private tempo = 360;

  /**
   * Predicts the next epoch with `uids`/`values` as our row, landing in the block after the finalized head, on the
   * metagraph synced at that head; stores the prediction (linked to its intent once that lands) and returns its id.
   */
  private async predict(uids: readonly number[], values: readonly number[], at?: string): Promise<number> {
    const { conn, key, selfUid, store, metrics, events } = this.ctx;
    const hash = at ?? (await conn.call('read the finalized head', async (api) => (await api.rpc.chain.getFinalizedHead()).toHex()));
    const m = await syncMetagraph(conn, key.netuid, { at: hash });
    events.metagraph(m);
    this.tempo = m.hyperparams.tempo;
    const p = predictEpoch(m, selfUid, uids, values, m.block + 1);
    const id = store.validator.addPrediction(key, { uid: selfUid, syncedBlock: m.block, epochBlock: p.epochBlock, predictedVtrust: p.vtrust, predictedDividends: p.dividends, predictedIncentive: p.incentive });
    metrics.vtrustPredicted.set(p.vtrust / 65535);
    events.prediction({ epochBlock: p.epochBlock, vtrust: p.vtrust, dividends: p.dividends });
    return id;
  }

  private async maybeSubmit(): Promise<void> {
    const { pipeline, key, selfUid, config, metrics, events, log, store } = this.ctx;
    const state = await pipeline.readState(key.netuid);
    const due = weightsDue({
      head: state.block, netuid: key.netuid, tempo: state.tempo, offset: config.weightsBlockOffset, lastLandedTempo: this.lastLandedTempo,
      lastUpdate: state.lastUpdate[selfUid] ?? 0, rateLimit: Number(state.weightsSetRateLimit),
    });
    if (!due.due) return;
    const raw = rawWeights(this.ctx.book().scores(state.n));
    if (raw === null) {
      log.info({ block: state.block }, 'weights due, but every score is 0: nothing to set yet');
      return;
    }
    const emitted = pipeline.process(state, raw.uids, raw.weights);
    if (emitted.uids.length === 0) return;
    const call = state.commitRevealEnabled ? await pipeline.commitCall(state) : 'set_weights';
    // The epoch runs on the synced state with our new row: predicted before anything is sent (under commit-reveal v2,
    // before the reveal: revealDue; a timelocked commit is revealed by the chain, and is not predicted).
    const predictionId = state.commitRevealEnabled ? null : await this.predict(emitted.uids, emitted.values, state.blockHash);
    log.info({ call, block: state.block, why: due.why, uids: emitted.uids.length }, 'submitting weights');
    crashPoint(`weights.planned.${call}`);
    let intent: CommitIntent;
    try {
      intent = (await pipeline.submit({ netuid: key.netuid, uids: emitted.uids, values: emitted.values })).intent;
    } catch (e) {
      // Not again in this tempo: a refusal would be refused again, and an unconfirmed intent stays in the store.
      this.lastLandedTempo = epochIndex(state.block, key.netuid, state.tempo);
      const code = (e as { code?: string }).code ?? 'error';
      const outcome = code === 'ERR_WEIGHTS_PREVALIDATION' ? 'refused' : code === 'ERR_WEIGHTS_UNCONFIRMED' ? 'unconfirmed' : 'failed';
      metrics.submissions.inc({ call: callLabel(call), outcome });
      if (predictionId !== null) store.validator.dropPrediction(predictionId);
      events.submitted({ call, outcome, intentId: null, block: null, error: (e as Error).message });
      log.warn({ call, outcome, err: (e as Error).message }, 'weights not landed');
      return;
    }
    const block = intent.blockNumber as number;
    this.lastLandedTempo = epochIndex(block, key.netuid, state.tempo);
    if (predictionId !== null) store.validator.linkPrediction(predictionId, intent.id, nextEpochBlock(block, key.netuid, state.tempo));
    events.submitted({ call, outcome: 'included', intentId: intent.id, block, error: null });
    if (call === 'set_weights') await this.confirm(intent);
    // A timelocked commit lands when the chain reveals it (reconcileDue); until then it is only included.
    else if (call === 'commit_timelocked_weights') metrics.submissions.inc({ call: callLabel(call), outcome: 'included' });
    else metrics.submissions.inc({ call, outcome: 'landed' });
  }

  /**
   * Counts a finalized set_weights or reveal as landed once the chain shows it: LastUpdate of our uid at or after its
   * block, and our Weights row equal to what was sent (as the chain stores it), read at a finalized block.
   */
  private async confirm(intent: CommitIntent): Promise<void> {
    const { conn, key, selfUid, metrics, events, log } = this.ctx;
    const m = await syncMetagraph(conn, key.netuid, { at: 'finalized' });
    events.metagraph(m);
    const block = intent.blockNumber as number;
    const expected = maxUpscaleU16(intent.values);
    const row = m.weights[selfUid] ?? [];
    const want = new Map(intent.uids.map((u, i) => [u, expected[i] as number]));
    const same = row.filter(([, v]) => v !== 0).length === [...want.values()].filter((v) => v !== 0).length && row.every(([u, v]) => (want.get(u) ?? 0) === v);
    const call = callLabel(intent.kind);
    if (!((m.lastUpdate[selfUid] ?? 0) >= (intent.kind === 'reveal_weights' ? 0 : block) && same)) {
      metrics.submissions.inc({ call, outcome: 'unconfirmed' });
      log.warn({ call, block, lastUpdate: m.lastUpdate[selfUid], finalized: m.block }, 'the call is finalized but LastUpdate/Weights at the finalized head do not show it');
      return;
    }
    this.landed++;
    this.lastLandedBlock = block;
    metrics.submissions.inc({ call, outcome: 'landed' });
    events.landed({ call, block, landed: this.landed, uids: intent.uids, values: intent.values });
    log.info({ call, block, landed: this.landed }, 'weights landed (LastUpdate and Weights at a finalized block show them)');
    crashPoint(`weights.landed.${call}`);
  }
}
