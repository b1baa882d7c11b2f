import { EngineAbortError, InvalidInputError, YumavalError } from '../errors/index.js';
import { currentGeneration, ensureHelper, helperFailed, MEMORY_PAGES, startRun } from '../wasm/index.js';
import { checkBatchShape } from './check-batch.js';
import { SCORING_DEFAULTS } from './params.js';
import type { ScoreBatch, ScoreResult, ScoringParams } from './types.js';
import { KIND, MINER_SLOTS, MODEL_CODE, SCORE_RESULT_SLOTS, SCORE_SLOTS, SD, SR } from './wasm-layout.js';

/** Below this many pair-query products the helper thread costs more than it saves. */
const HELPER_MIN_WORK = 200_000;

/** Bytes the engine's heap needs for a batch of K miners, B queries, vocab V and the miners' answers (input bytes). */
export function engineBytes(K: number, B: number, V: number, inputBytes: number): number {
  return inputBytes + K * K * 8 + K * B * 25 + K * 120 + V * 20 + 4096;
}

/** The engine heap a batch may use: the whole wasm memory but 64 MiB for the engine's own data. */
export const ENGINE_HEAP_BYTES = MEMORY_PAGES * 65536 - (64 << 20);

/** Bytes the engine's heap needs for a batch: inputs, per-row state, the K×K matrix and the outputs. */
function heapBytes(batch: ScoreBatch): number {
  let inputs = 0;
  for (const r of batch.responses) {
    if (r.kind === 'dense') inputs += r.probs.length * 4;
    else if (r.kind === 'topk') inputs += (r.ptr.length + r.ids.length + r.probs.length + r.floor.length) * 4;
  }
  return engineBytes(batch.responses.length, batch.targets.length, batch.vocab, inputs);
}

/**
 * Scores a batch in the WASM engine (assembly/infovalue.ts): losses, the scaling law, base Shapley values, the pair
 * synergy matrix, the divergence penalty and the Shapley vector. Hostile content (NaN, negatives, bad ids, all-zero
 * rows) is scored row by row, never thrown; only a malformed batch shape throws InvalidInputError.
 */
export function scoreBatch(batch: ScoreBatch, params: ScoringParams): ScoreResult {
  checkBatchShape(batch);
  const K = batch.responses.length, B = batch.targets.length, V = batch.vocab;
  const need = heapBytes(batch), have = ENGINE_HEAP_BYTES;
  if (need > have) {
    throw new InvalidInputError('responses', `the batch needs ${(need / 2 ** 30).toFixed(2)} GiB of engine heap (K = ${K}, B = ${B}, V = ${V}); the heap holds ${(have / 2 ** 30).toFixed(2)} GiB: score fewer miners per batch`);
  }
  if (K * K * B >= HELPER_MIN_WORK) ensureHelper();
  const { engine: e, generation } = startRun();
  // Allocate everything first, then write through views of the final buffer.
  const pDesc = e.alloc(SCORE_SLOTS * 8);
  const pTargets = e.alloc(B * 4);
  const pMiners = e.alloc(K * MINER_SLOTS * 4);
  const places = batch.responses.map((r) => {
    if (r.kind === 'dense') return [e.alloc(r.probs.length * 4)];
    if (r.kind === 'topk') return [e.alloc(r.ptr.length * 4), e.alloc(r.ids.length * 4), e.alloc(r.probs.length * 4), e.alloc(r.floor.length * 4)];
    return [];
  });
  const buf = e.memory.buffer;
  const desc = new DataView(buf, pDesc, SCORE_SLOTS * 8);
  const setInt = (slot: number, v: number): void => desc.setBigInt64(slot * 8, BigInt(v), true);
  const setF64 = (slot: number, v: number): void => desc.setFloat64(slot * 8, v, true);
  setInt(SD.K, K);
  setInt(SD.B, B);
  setInt(SD.V, V);
  setInt(SD.TARGETS, pTargets);
  setInt(SD.MINERS, pMiners);
  setF64(SD.SCALING_POWER, params.scalingLawPower);
  setF64(SD.SYNERGY_POWER, params.synergyScalingLawPower);
  setF64(SD.DIVERGENCE_WEIGHT, params.divergenceWeight);
  setF64(SD.LOSS_FLOOR, params.lossFloor);
  setF64(SD.WORST_LOSS, params.worstLoss);
  // Parameters written before the redundancy-aware model existed have no model: they mean the 2022 one.
  setInt(SD.MODEL, MODEL_CODE[params.model ?? 'shapley-2022']);
  setF64(SD.TOLERANCE, params.redundancyTolerance ?? SCORING_DEFAULTS.redundancyTolerance);
  setF64(SD.COPY_TOLERANCE, params.copyTolerance ?? SCORING_DEFAULTS.copyTolerance);
  new Int32Array(buf, pTargets, B).set(batch.targets);
  const table = new Int32Array(buf, pMiners, K * MINER_SLOTS);
  batch.responses.forEach((r, k) => {
    const at = places[k] as number[];
    if (r.kind === 'dense') {
      table[k * MINER_SLOTS] = KIND.DENSE;
      table[k * MINER_SLOTS + 1] = at[0] as number;
      new Float32Array(buf, at[0], r.probs.length).set(r.probs);
    } else if (r.kind === 'topk') {
      table[k * MINER_SLOTS] = KIND.TOPK;
      for (let s = 0; s < 4; s++) table[k * MINER_SLOTS + 1 + s] = at[s] as number;
      new Int32Array(buf, at[0], r.ptr.length).set(r.ptr);
      new Int32Array(buf, at[1], r.ids.length).set(r.ids);
      new Float32Array(buf, at[2], r.probs.length).set(r.probs);
      new Float32Array(buf, at[3], r.floor.length).set(r.floor);
    } else {
      table[k * MINER_SLOTS] = KIND.NONE;
    }
  });
  let res: number;
  try {
    res = e.scoreRun(pDesc);
  } catch (err) {
    e.settle();
    if (err instanceof YumavalError && !(err instanceof EngineAbortError)) throw err;
    const detail = err instanceof EngineAbortError ? err.message.replace(/^the wasm engine aborted: /, '') : err instanceof Error ? err.message : String(err);
    throw new EngineAbortError(`${detail} (scoring K = ${K}, B = ${B}, V = ${V})`);
  }
  if (helperFailed()) throw new EngineAbortError('a task failed on the helper thread; set YUMAVAL_THREADS=1 to run without it');
  const slots = new Int32Array(buf, res, SCORE_RESULT_SLOTS);
  const f64 = (slot: number, len: number): Float64Array => new Float64Array(buf, slots[slot] as number, len).slice();
  const result = {
    uids: batch.uids.slice(),
    responsive: Array.from(new Uint8Array(buf, slots[SR.RESPONSIVE] as number, K), (x) => x !== 0),
    lossPerQuery: f64(SR.LOSS_PER_QUERY, K * B),
    loss: f64(SR.LOSS, K),
    estParams: f64(SR.EST_PARAMS, K),
    baseParams: f64(SR.BASE_PARAMS, K),
    synergyTotal: f64(SR.SYNERGY_TOTAL, K),
    divergence: f64(SR.DIVERGENCE, K),
    divergenceExcess: f64(SR.EXCESS, K),
    copies: f64(SR.COPIES, K),
    multiplicity: f64(SR.MULTIPLICITY, K),
    shapley: f64(SR.SHAPLEY, K),
  } as ScoreResult;
  // The K×K matrix is built and copied out on first read: at K = 4096 it is 128 MiB, and most callers only need the
  // totals (fresh memory costs a page fault per 4 KiB, which here is most of the time of a copy). Read after a later
  // run has reused the engine's heap, it is recomputed from the batch.
  let synergy: Float64Array | undefined;
  const synergyMatrix = (): Float64Array => {
    if (synergy !== undefined) return synergy;
    if (currentGeneration() !== generation) {
      synergy = scoreBatch(batch, params).synergy;
    } else {
      e.scoreMirror(res);
      synergy = new Float64Array(e.memory.buffer, new Int32Array(e.memory.buffer, res, SCORE_RESULT_SLOTS)[SR.SYNERGY] as number, K * K).slice();
    }
    return synergy;
  };
  Object.defineProperty(result, 'synergy', { enumerable: true, configurable: false, get: synergyMatrix });
  return result;
}
