import type { MinerResponse } from '../types.js';

/*
 * One miner's answer to one query as a full distribution over the vocabulary (float64), or null for a garbage row.
 * Written for clarity: a top-k row is expanded to a dense one.
 */

function isGoodProbability(x: number): boolean {
  return Number.isFinite(x) && x >= 0;
}

/**
 * Row b of a dense response: entries probs[b·V .. b·V + V). Garbage (null) when an entry is not finite or is negative, or
 * when the entries sum to 0; else each entry divided by the sum.
 */
export function denseRow(probs: Float32Array, b: number, vocab: number): Float64Array | null {
  const row = new Float64Array(vocab);
  let sum = 0;
  for (let v = 0; v < vocab; v++) {
    const x = probs[b * vocab + v] as number;
    if (!isGoodProbability(x)) return null;
    row[v] = x;
    sum += x;
  }
  if (sum === 0) return null;
  for (let v = 0; v < vocab; v++) row[v] = (row[v] as number) / sum;
  return row;
}

/**
 * Row b of a top-k response: the pairs ids/probs[ptr[b] .. ptr[b+1]) and floor[b] for every outcome not listed.
 * Garbage (null) when a probability or the floor is not finite or negative, an id is not in 0..V−1, an id is listed
 * twice, or the total mass Σ probs + (V − k)·floor is 0; else every mass divided by that total.
 */
export function topkRow(
  ptr: Int32Array, ids: Int32Array, probs: Float32Array, floor: Float32Array, b: number, vocab: number,
): Float64Array | null {
  const start = ptr[b] as number;
  const end = ptr[b + 1] as number;
  const floorMass = floor[b] as number;
  if (!isGoodProbability(floorMass)) return null;
  const listed = new Uint8Array(vocab);
  const row = new Float64Array(vocab);
  let listedSum = 0;
  for (let i = start; i < end; i++) {
    const id = ids[i] as number;
    const x = probs[i] as number;
    if (!isGoodProbability(x)) return null;
    if (!Number.isInteger(id) || id < 0 || id >= vocab) return null;
    if (listed[id] === 1) return null;
    listed[id] = 1;
    row[id] = x;
    listedSum += x;
  }
  const k = end - start;
  const total = listedSum + (vocab - k) * floorMass;
  if (total === 0) return null;
  for (let v = 0; v < vocab; v++) row[v] = listed[v] === 1 ? (row[v] as number) / total : floorMass / total;
  return row;
}

/** Row b of any response; null for a garbage row and for a `none` response (which has no rows). */
export function responseRow(response: MinerResponse, b: number, vocab: number): Float64Array | null {
  switch (response.kind) {
    case 'none':
      return null;
    case 'dense':
      return denseRow(response.probs, b, vocab);
    case 'topk':
      return topkRow(response.ptr, response.ids, response.probs, response.floor, b, vocab);
  }
}
