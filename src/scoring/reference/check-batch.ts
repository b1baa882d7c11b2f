import { InvalidInputError } from '../../errors/index.js';
import { MAX_VOCAB } from '../parse-batch.js';
import { resolveScoringParams } from '../params.js';
import type { ScoreBatch, ScoringParams } from '../types.js';

/*
 * Shape checks of a ScoreBatch given to the library (the JSON path is checked earlier, by parseScoreBatch). Only the
 * structure is checked: array types and lengths, the top-k row pointers, targets and uids. The values inside the rows
 * are content, never an error: a bad value makes its row garbage.
 */

function fail(path: string, detail: string): never {
  throw new InvalidInputError(path, detail);
}

function checkInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(path, `expected an integer in ${min}..${max}, got ${String(v)}`);
  }
  return v;
}

/**
 * Checks the structure of a batch.
 * @throws InvalidInputError naming the place (`batch.responses[2].ptr[3]`) of the first problem found
 */
export function checkScoreBatch(batch: ScoreBatch): void {
  if (typeof batch !== 'object' || batch === null) fail('batch', 'expected a ScoreBatch object');
  const vocab = checkInt(batch.vocab, 'batch.vocab', 2, MAX_VOCAB);
  if (!(batch.targets instanceof Int32Array)) fail('batch.targets', 'expected an Int32Array of outcomes');
  const queries = batch.targets.length;
  if (queries === 0) fail('batch.targets', 'expected at least one query');
  batch.targets.forEach((t, b) => checkInt(t, `batch.targets[${b}]`, 0, vocab - 1));
  if (!Array.isArray(batch.uids)) fail('batch.uids', 'expected an array of uids');
  if (!Array.isArray(batch.responses)) fail('batch.responses', 'expected an array of responses');
  if (batch.responses.length !== batch.uids.length) {
    fail('batch.responses', `expected one response per uid (${batch.uids.length}), got ${batch.responses.length}`);
  }
  const seen = new Set<number>();
  batch.uids.forEach((u, k) => {
    // Any non-negative integer: the JSON path caps uids at 65535 (chain u16), the library does not.
    const uid = checkInt(u, `batch.uids[${k}]`, 0, Number.MAX_SAFE_INTEGER);
    if (seen.has(uid)) fail(`batch.uids[${k}]`, `uid ${uid} is given twice`);
    seen.add(uid);
  });
  batch.responses.forEach((r, k) => {
    const path = `batch.responses[${k}]`;
    if (typeof r !== 'object' || r === null) fail(path, 'expected a MinerResponse object');
    switch (r.kind) {
      case 'none':
        return;
      case 'dense':
        if (!(r.probs instanceof Float32Array)) fail(`${path}.probs`, 'expected a Float32Array');
        if (r.probs.length !== queries * vocab) {
          fail(`${path}.probs`, `expected ${queries} × ${vocab} = ${queries * vocab} probabilities, got ${r.probs.length}`);
        }
        return;
      case 'topk': {
        if (!(r.ptr instanceof Int32Array)) fail(`${path}.ptr`, 'expected an Int32Array of row offsets');
        if (!(r.ids instanceof Int32Array)) fail(`${path}.ids`, 'expected an Int32Array of outcome ids');
        if (!(r.probs instanceof Float32Array)) fail(`${path}.probs`, 'expected a Float32Array');
        if (!(r.floor instanceof Float32Array)) fail(`${path}.floor`, 'expected a Float32Array');
        if (r.ptr.length !== queries + 1) fail(`${path}.ptr`, `expected ${queries + 1} offsets (queries + 1), got ${r.ptr.length}`);
        if (r.floor.length !== queries) fail(`${path}.floor`, `expected ${queries} floors (one per query), got ${r.floor.length}`);
        if (r.ids.length !== r.probs.length) {
          fail(`${path}.probs`, `expected as many probabilities as ids (${r.ids.length}), got ${r.probs.length}`);
        }
        if (r.ptr[0] !== 0) fail(`${path}.ptr[0]`, `expected 0, got ${String(r.ptr[0])}`);
        for (let b = 0; b < queries; b++) {
          if ((r.ptr[b + 1] as number) < (r.ptr[b] as number)) {
            fail(`${path}.ptr[${b + 1}]`, `offsets must not decrease (${String(r.ptr[b + 1])} < ${String(r.ptr[b])})`);
          }
        }
        if (r.ptr[queries] !== r.ids.length) {
          fail(`${path}.ptr[${queries}]`, `expected the number of pairs (${r.ids.length}), got ${String(r.ptr[queries])}`);
        }
        return;
      }
      default:
        fail(`${path}.kind`, `expected 'none', 'dense' or 'topk', got ${String((r as { kind: unknown }).kind)}`);
    }
  });
}

/**
 * Checks scoring parameters by the rules of resolveScoringParams (only the ScoringParams keys are read). The six
 * numbers of the 2022 model are required; `model`, `redundancyTolerance` and `copyTolerance` default (to the 2022 model), so that a
 * caller's parameters written before the redundancy-aware model existed keep their meaning.
 * @throws InvalidInputError naming `params.<key>`
 */
export function checkScoringParams(params: ScoringParams): ScoringParams {
  if (typeof params !== 'object' || params === null) fail('params', 'expected a ScoringParams object');
  const { scalingLawPower, synergyScalingLawPower, divergenceWeight, lossFloor, worstLoss, emaAlpha, model, redundancyTolerance, copyTolerance } = params;
  const required = { scalingLawPower, synergyScalingLawPower, divergenceWeight, lossFloor, worstLoss, emaAlpha };
  for (const [key, v] of Object.entries(required)) {
    if (v === undefined) fail(`params.${key}`, 'is required');
  }
  return resolveScoringParams({ ...required, model, redundancyTolerance, copyTolerance }, 'params');
}
