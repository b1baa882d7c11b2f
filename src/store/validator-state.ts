import type { Database as Db, Statement } from 'better-sqlite3';
import { StoreInputError } from './errors.js';

/*
 * The validator service's state (migration 2), per (chain, netuid, validator hotkey):
 * - the secret task seed (drawn once, never sent anywhere) and the step cursor `next_step`;
 * - the score book by (uid, miner hotkey);
 * - one record per completed step;
 * - predictions of the next epoch and, once it ran, what the chain stored.
 *
 * A step is applied in ONE transaction (`commitStep`): its scores, its record and the cursor move together, and only
 * when the cursor is still at that step. A crash before the commit leaves the previous step's state whole (the step is
 * redone with the same seed and number, hence the same queries); a commit that is replayed (the same step twice) is
 * refused by the cursor check, so a step is applied exactly once.
 */

/** Whose state: one validator hotkey on one subnet of one chain (the chain's genesis hash). */
export interface ValidatorKey {
  chain: string;
  netuid: number;
  hotkey: string;
}

/** A score of the book as stored. */
export interface StoredScore {
  uid: number;
  hotkey: string;
  score: number;
}

/** What a step records. */
export interface StepRecord {
  step: number;
  /** The finalized block the step's metagraph was read at. */
  block: number;
  task: string;
  queried: number;
  responsive: number;
  durationMs: number;
}

/** A prediction of the next epoch, and what the chain stored once it ran. */
export interface PredictionRecord {
  id: number;
  uid: number;
  syncedBlock: number;
  epochBlock: number;
  intentId: number | null;
  predictedVtrust: number;
  predictedDividends: number;
  predictedIncentive: number[];
  chainVtrust: number | null;
  chainDividends: number | null;
  chainIncentive: number[] | null;
  diffVtrust: number | null;
  diffDividends: number | null;
  maxDiffIncentive: number | null;
}

/** A new prediction. */
export interface NewPrediction {
  uid: number;
  syncedBlock: number;
  epochBlock: number;
  predictedVtrust: number;
  predictedDividends: number;
  predictedIncentive: readonly number[];
}

interface PredictionRow {
  id: number; uid: number; synced_block: number; epoch_block: number; intent_id: number | null; predicted_vtrust: number;
  predicted_dividends: number; predicted_incentive: string; chain_vtrust: number | null; chain_dividends: number | null;
  chain_incentive: string | null; diff_vtrust: number | null; diff_dividends: number | null; max_diff_incentive: number | null;
}

function fromPredictionRow(r: PredictionRow): PredictionRecord {
  return {
    id: r.id, uid: r.uid, syncedBlock: r.synced_block, epochBlock: r.epoch_block, intentId: r.intent_id,
    predictedVtrust: r.predicted_vtrust, predictedDividends: r.predicted_dividends, predictedIncentive: JSON.parse(r.predicted_incentive) as number[],
    chainVtrust: r.chain_vtrust, chainDividends: r.chain_dividends, chainIncentive: r.chain_incentive === null ? null : (JSON.parse(r.chain_incentive) as number[]),
    diffVtrust: r.diff_vtrust, diffDividends: r.diff_dividends, maxDiffIncentive: r.max_diff_incentive,
  };
}

/** A step commit that does not follow the stored cursor (a replay, or a step skipped). */
export class StepOrderError extends StoreInputError {
  constructor(step: number, next: number) {
    super('step', `step ${step} cannot be applied: the store's next step is ${next}`);
  }
}

function checkScores(entries: readonly StoredScore[]): void {
  entries.forEach((e, i) => {
    if (!(Number.isInteger(e.uid) && e.uid >= 0 && e.uid <= 65535)) throw new StoreInputError(`scores[${i}].uid`, `expected a u16, got ${e.uid}`);
    if (typeof e.hotkey !== 'string' || e.hotkey === '') throw new StoreInputError(`scores[${i}].hotkey`, 'expected a hotkey');
    if (!Number.isFinite(e.score)) throw new StoreInputError(`scores[${i}].score`, `expected a finite number, got ${e.score}`);
  });
}

/** The validator-state repository over an open store. */
export class ValidatorStateRepo {
  private readonly getState: Statement;
  private readonly insertState: Statement;
  private readonly moveCursor: Statement;
  private readonly clearScores: Statement;
  private readonly insertScore: Statement;
  private readonly insertStep: Statement;

  constructor(private readonly db: Db) {
    this.getState = db.prepare('SELECT task_seed, next_step FROM validator_state WHERE chain = ? AND netuid = ? AND hotkey = ?');
    this.insertState = db.prepare('INSERT INTO validator_state (chain, netuid, hotkey, task_seed, next_step, created_at) VALUES (?, ?, ?, ?, 0, ?)');
    this.moveCursor = db.prepare('UPDATE validator_state SET next_step = ? WHERE chain = ? AND netuid = ? AND hotkey = ? AND next_step = ?');
    this.clearScores = db.prepare('DELETE FROM validator_scores WHERE chain = ? AND netuid = ? AND hotkey = ?');
    this.insertScore = db.prepare('INSERT INTO validator_scores (chain, netuid, hotkey, uid, miner_hotkey, score) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertStep = db.prepare(`INSERT INTO validator_steps (chain, netuid, hotkey, step, block, task, queried, responsive, duration_ms, finished_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /**
   * The validator's seed and cursor, created on first use with `newSeed()` (the secret seed is drawn once and kept:
   * a restart asks the same questions of the same step).
   */
  open(k: ValidatorKey, newSeed: () => number): { taskSeed: number; nextStep: number; created: boolean } {
    return this.db.transaction(() => {
      const row = this.getState.get(k.chain, k.netuid, k.hotkey) as { task_seed: number; next_step: number } | undefined;
      if (row !== undefined) return { taskSeed: row.task_seed, nextStep: row.next_step, created: false };
      const seed = newSeed();
      if (!Number.isSafeInteger(seed)) throw new StoreInputError('taskSeed', `expected a safe integer, got ${seed}`);
      this.insertState.run(k.chain, k.netuid, k.hotkey, seed, new Date().toISOString());
      return { taskSeed: seed, nextStep: 0, created: true };
    })();
  }

  /** The stored score book, by uid. */
  scores(k: ValidatorKey): StoredScore[] {
    return (this.db.prepare('SELECT uid, miner_hotkey AS hotkey, score FROM validator_scores WHERE chain = ? AND netuid = ? AND hotkey = ? ORDER BY uid')
      .all(k.chain, k.netuid, k.hotkey) as StoredScore[]);
  }

  /**
   * Applies a step: the whole score book, the step's record and the cursor, in one transaction, only when the cursor is
   * at `rec.step`.
   * @throws StepOrderError when the store's cursor is elsewhere (nothing is written)
   */
  commitStep(k: ValidatorKey, rec: StepRecord, scores: readonly StoredScore[]): void {
    checkScores(scores);
    this.db.transaction(() => {
      const moved = this.moveCursor.run(rec.step + 1, k.chain, k.netuid, k.hotkey, rec.step);
      if (moved.changes !== 1) {
        const row = this.getState.get(k.chain, k.netuid, k.hotkey) as { next_step: number } | undefined;
        throw new StepOrderError(rec.step, row?.next_step ?? -1);
      }
      this.clearScores.run(k.chain, k.netuid, k.hotkey);
      for (const s of scores) this.insertScore.run(k.chain, k.netuid, k.hotkey, s.uid, s.hotkey, s.score);
      this.insertStep.run(k.chain, k.netuid, k.hotkey, rec.step, rec.block, rec.task, rec.queried, rec.responsive, rec.durationMs, new Date().toISOString());
    })();
  }

  /** The last `limit` step records, newest first. */
  steps(k: ValidatorKey, limit = 100): Array<StepRecord & { finishedAt: string }> {
    return (this.db.prepare(`SELECT step, block, task, queried, responsive, duration_ms AS durationMs, finished_at AS finishedAt FROM validator_steps
      WHERE chain = ? AND netuid = ? AND hotkey = ? ORDER BY step DESC LIMIT ?`).all(k.chain, k.netuid, k.hotkey, limit)) as Array<StepRecord & { finishedAt: string }>;
  }

  /** Records a prediction made before a submission; returns its id. */
  addPrediction(k: ValidatorKey, p: NewPrediction): number {
    const r = this.db.prepare(`INSERT INTO validator_predictions (chain, netuid, hotkey, uid, synced_block, epoch_block, predicted_vtrust, predicted_dividends,
      predicted_incentive, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(k.chain, k.netuid, k.hotkey, p.uid, p.syncedBlock, p.epochBlock, p.predictedVtrust, p.predictedDividends, JSON.stringify(p.predictedIncentive), new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  /** Links a prediction to the intent it was made for, and moves its epoch block (the submission landed later). */
  linkPrediction(id: number, intentId: number, epochBlock: number): void {
    this.db.prepare('UPDATE validator_predictions SET intent_id = ?, epoch_block = ? WHERE id = ?').run(intentId, epochBlock, id);
  }

  /** Drops a prediction whose submission did not land. */
  dropPrediction(id: number): void {
    this.db.prepare('DELETE FROM validator_predictions WHERE id = ? AND checked_at IS NULL').run(id);
  }

  /** Predictions whose epoch the chain has not been compared with yet, oldest first. */
  openPredictions(k: ValidatorKey): PredictionRecord[] {
    return (this.db.prepare('SELECT * FROM validator_predictions WHERE chain = ? AND netuid = ? AND hotkey = ? AND checked_at IS NULL AND intent_id IS NOT NULL ORDER BY id')
      .all(k.chain, k.netuid, k.hotkey) as PredictionRow[]).map(fromPredictionRow);
  }

  /** Every prediction, oldest first. */
  predictions(k: ValidatorKey): PredictionRecord[] {
    return (this.db.prepare('SELECT * FROM validator_predictions WHERE chain = ? AND netuid = ? AND hotkey = ? ORDER BY id')
      .all(k.chain, k.netuid, k.hotkey) as PredictionRow[]).map(fromPredictionRow);
  }

  /** Records what the chain stored at the predicted epoch, and the differences (chain − predicted). */
  checkPrediction(id: number, chain: { vtrust: number; dividends: number; incentive: readonly number[] }): PredictionRecord {
    const row = this.db.prepare('SELECT * FROM validator_predictions WHERE id = ?').get(id) as PredictionRow | undefined;
    if (row === undefined) throw new StoreInputError('prediction', `no prediction ${id}`);
    const p = fromPredictionRow(row);
    const n = Math.max(p.predictedIncentive.length, chain.incentive.length);
    let maxDiff = 0;
    for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs((chain.incentive[i] ?? 0) - (p.predictedIncentive[i] ?? 0)));
    this.db.prepare(`UPDATE validator_predictions SET chain_vtrust = ?, chain_dividends = ?, chain_incentive = ?, diff_vtrust = ?, diff_dividends = ?,
      max_diff_incentive = ?, checked_at = ? WHERE id = ?`)
      .run(chain.vtrust, chain.dividends, JSON.stringify(chain.incentive), chain.vtrust - p.predictedVtrust, chain.dividends - p.predictedDividends, maxDiff, new Date().toISOString(), id);
    return fromPredictionRow(this.db.prepare('SELECT * FROM validator_predictions WHERE id = ?').get(id) as PredictionRow);
  }
}
