// Informational-value scoring (the 2022 core validator's Shapley values; docs/scoring.md): per miner, the loss on
// the targets, the scaling law's effective parameters, the base Shapley term, the pair synergy matrix, the divergence
// penalty, and the Shapley value. One read of the answers gives everything synergy needs; divergence reads dense
// answers twice more.

import { divergencePass } from './infovalue-divergence';
import { redundancyPass } from './infovalue-redundancy';
import { Rows, rowPass } from './infovalue-rows';
import { mirrorSynergy, powParams, SynergyTask, synergyPass } from './infovalue-synergy';
import { allocRaw, allocZeroed } from './mem';
import * as S from './score-layout';

// @ts-ignore: decorator
@inline function slotI(desc: usize, slot: i32): i32 {
  return <i32>load<i64>(desc + (<usize>slot << 3));
}
// @ts-ignore: decorator
@inline function slotF(desc: usize, slot: i32): f64 {
  return load<f64>(desc + (<usize>slot << 3));
}

/** Scores one batch described at `desc` (score-layout.ts); returns the result block. */
export function scoreRun(desc: usize): usize {
  const K = slotI(desc, S.S_K), B = slotI(desc, S.S_B), V = slotI(desc, S.S_V);
  const targets = <usize>slotI(desc, S.S_TARGETS), miners = <usize>slotI(desc, S.S_MINERS);
  const power = slotF(desc, S.S_SCALING_POWER), synergyPower = slotF(desc, S.S_SYNERGY_POWER);
  const divergenceWeight = slotF(desc, S.S_DIVERGENCE_WEIGHT), lossFloor = slotF(desc, S.S_LOSS_FLOOR);
  const worstLoss = slotF(desc, S.S_WORST_LOSS);
  const kb = <usize>K * B, k8 = <usize>K << 3;

  const result = allocZeroed(<usize>S.SCORE_RESULT_SLOTS << 2);
  const responsive = allocZeroed(<usize>K), loss = allocRaw(k8), est = allocRaw(k8), base = allocRaw(k8);
  const synergy = allocRaw(<usize>K * K << 3), totals = allocRaw(k8), divergence = allocRaw(k8), excess = allocRaw(k8);
  const shapley = allocRaw(k8), multiplicity = allocRaw(k8), copies = allocRaw(k8);

  const rows = new Rows();
  rows.k = K; rows.b = B; rows.v = V;
  rows.valid = allocZeroed(kb);
  rows.scale = allocZeroed(kb << 3);
  rows.loss = allocRaw(kb << 3);
  rows.half = allocRaw(kb << 3);
  rowPass(rows, miners, targets, worstLoss, allocZeroed(<usize>V << 2));

  // Mean loss, the scaling law and the base term.
  const lnC = Math.log(8.8e13);
  let R = 0;
  for (let k = 0; k < K; k++) {
    const kind = load<i32>(miners + ((<usize>k * S.MINER_SLOTS) << 2));
    if (kind == S.KIND_NONE) {
      store<f64>(loss + (<usize>k << 3), NaN);
      store<f64>(est + (<usize>k << 3), 0);
      store<f64>(base + (<usize>k << 3), 0);
      continue;
    }
    R++;
    store<u8>(responsive + <usize>k, 1);
    let s: f64 = 0;
    for (let b = 0; b < B; b++) s += load<f64>(rows.loss + ((<usize>k * B + b) << 3));
    const l = s / <f64>B;
    store<f64>(loss + (<usize>k << 3), l);
    store<f64>(est + (<usize>k << 3), powParams(lnC, 1, l, lossFloor));
    store<f64>(base + (<usize>k << 3), powParams(lnC, power, l, lossFloor));
  }

  const t = new SynergyTask();
  t.k = K; t.b = B; t.half = rows.half; t.loss = loss; t.responsive = responsive; t.out = synergy;
  t.lnC = lnC; t.power = synergyPower; t.lossFloor = lossFloor;
  t.shareScale = R > 0 ? 0.5 / <f64>R : 0;
  // One product of B factors, each at least exp(−worstLoss), stays a normal double while B · worstLoss ≤ 700.
  const perChunk = <i32>Math.floor(700 / worstLoss);
  t.chunk = perChunk < 1 ? 1 : perChunk;
  t.threshold = allocRaw(k8);
  t.powLoss = allocRaw(k8);
  for (let k = 0; k < K; k++) {
    const l = load<f64>(loss + (<usize>k << 3));
    store<f64>(t.threshold + (<usize>k << 3), Math.exp(-<f64>B * l));
    store<f64>(t.powLoss + (<usize>k << 3), powParams(lnC, synergyPower, l, lossFloor));
  }
  synergyPass(t, totals);

  divergencePass(rows, miners, divergence, excess, allocRaw(k8), allocRaw(<usize>V << 3), allocRaw(<usize>V << 3), allocRaw(<usize>V << 3));

  for (let k = 0; k < K; k++) {
    const at = <usize>k << 3;
    const value = load<u8>(responsive + <usize>k) == 0
      ? 0
      : (load<f64>(base + at) + load<f64>(totals + at)) / (1 + divergenceWeight * load<f64>(excess + at));
    store<f64>(shapley + at, value);
  }
  if (<i32>slotI(desc, S.S_MODEL) == S.MODEL_REDUNDANCY_AWARE) {
    redundancyPass(K, B, rows.loss, loss, responsive, shapley, slotF(desc, S.S_TOLERANCE), slotF(desc, S.S_COPY_TOLERANCE), copies, multiplicity);
  } else {
    for (let k = 0; k < K; k++) {
      store<f64>(multiplicity + (<usize>k << 3), 1);
      store<f64>(copies + (<usize>k << 3), 1);
    }
  }

  const slots: StaticArray<usize> = [responsive, rows.loss, loss, est, base, synergy, totals, divergence, excess, shapley, <usize>K, multiplicity, copies];
  for (let i = 0; i < S.SCORE_RESULT_SLOTS; i++) store<i32>(result + (<usize>i << 2), <i32>slots[i]);
  return result;
}

/**
 * Completes the synergy matrix of the result block `result` (the pair pass writes its upper triangle only; most
 * callers read the totals, and the full matrix is built when someone reads it).
 */
export function scoreMirror(result: usize): void {
  mirrorSynergy(<usize>load<i32>(result + (<usize>S.R_SYNERGY << 2)), load<i32>(result + (<usize>S.R_K << 2)));
}
