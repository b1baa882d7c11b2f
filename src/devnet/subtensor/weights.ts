import { DispatchError } from '../dispatch.js';
import type { Hex } from '../storage-codec.js';
// Shared with the client on purpose (unlike checkVecMaxLimited below): maxUpscaleU16 is pure chain arithmetic that
// test/simulation/max-upscale.test.ts holds to a literal BigInt reference and to subtensor's own math.rs vectors.
import { maxUpscaleU16 } from '../../simulation/index.js';
import { dispatchErrorData, emit, fail } from './call-env.js';
import type { CallEnv } from './call-env.js';
import type { SubtensorStore } from './store.js';

/*
 * Weight setting as the served runtime (spec 233, subnets/weights.rs `do_set_weights`) does it: the checks in the
 * chain's order with its error names, then the max-upscaled row stored with its order and zeros kept. The numbered
 * comments are the chain's own step numbers.
 */

/** `check_rate_limit`: a registered uid that never set weights (LastUpdate 0) or waited at least WeightsSetRateLimit. */
export function checkRateLimit(store: SubtensorStore, netuid: number, uid: number, block: number): boolean {
  if (!store.contains('keys', netuid, uid)) return false;
  const last = store.nums('lastUpdate', netuid)[uid] ?? 0;
  if (last === 0) return true;
  const elapsed = block > last ? BigInt(block - last) : 0n;
  return elapsed >= store.big('weightsSetRateLimit', netuid);
}

/** `set_last_update_for_uid`: a uid beyond the stored vector is left alone, as on chain. */
export function setLastUpdate(store: SubtensorStore, netuid: number, uid: number, block: number): void {
  const v = store.nums('lastUpdate', netuid);
  if (uid >= v.length) return;
  v[uid] = block;
  store.set('lastUpdate', netuid, v);
}

/**
 * `check_weights_min_stake`: the hotkey's stake on the subnet is at least StakeThreshold. The stake is
 * TotalHotkeyAlpha: the devnet has no root subnet stake and no child keys, which the chain would add.
 */
export function checkWeightsMinStake(store: SubtensorStore, hotkey: Hex, netuid: number): boolean {
  return store.big('totalHotkeyAlpha', hotkey, netuid) >= store.big('stakeThreshold');
}

/** `is_self_weight`: exactly one weight, to one's own uid. */
function isSelfWeight(uid: number, uids: readonly number[], values: readonly number[]): boolean {
  return values.length === 1 && uids[0] === uid;
}

function hasDuplicates(uids: readonly number[]): boolean {
  return new Set(uids).size !== uids.length;
}

/**
 * The devnet's own copy of src/chain/weights/max-limit.ts's vecMaxLimited, kept ON PURPOSE: the devnet plays the chain
 * and must stay independent of the client under test (test/chain/weights/prevalidation-parity.test.ts compares the
 * client's pre-validation with this chain's verdicts; one shared function would agree with itself).
 * `check_vec_max_limited`: after normalizing to sum 1 in I32F32 (a wrapping sum, a safe_div that gives 0 on
 * overflow), the largest weight is at most limit/65535.
 */
export function checkVecMaxLimited(values: readonly number[], limit: number): boolean {
  if (values.length === 0) return true;
  const limitBits = (BigInt(limit) << 32n) / 65535n;
  const bits = values.map((v) => BigInt(v) << 32n);
  const sum = BigInt.asIntN(64, bits.reduce((a, b) => a + b, 0n));
  const normalized = sum === 0n ? bits : bits.map((b) => {
    const q = (b << 32n) / sum;
    return q > (1n << 63n) - 1n || q < -(1n << 63n) ? 0n : q;
  });
  return normalized.reduce((a, b) => (b > a ? b : a)) <= limitBits;
}

/**
 * `do_set_weights` (steps 1–20). Throws DispatchError with the chain's error name at the first failing check.
 * Used by set_weights (after its CommitRevealEnabled check), by the batch and by every reveal.
 */
export function doSetWeights(env: CallEnv, netuid: number, uids: number[], values: number[], versionKey: bigint): void {
  const s = env.store;
  const who = env.who;
  if (netuid === 0) fail('CanNotSetRootNetworkWeights');
  // 2.
  if (uids.length !== values.length) fail('WeightVecNotEqualSize');
  // 3.
  if (!s.bool('networksAdded', netuid)) fail('SubNetworkDoesNotExist');
  // 4.
  const n = s.num('subnetworkN', netuid);
  if (uids.length > n) fail('UidsLengthExceedUidsInSubNet');
  // 5.
  if (!s.contains('uids', netuid, who)) fail('HotKeyNotRegisteredInSubNet');
  // 6.
  if (!checkWeightsMinStake(s, who, netuid)) fail('NotEnoughStakeToSetWeights');
  // 7.
  const networkKey = s.big('weightsVersionKey', netuid);
  if (!(networkKey === 0n || versionKey >= networkKey)) fail('IncorrectWeightVersionKey');
  // 9.
  const uid = s.num('uids', netuid, who);
  const commitReveal = s.bool('commitRevealWeightsEnabled', netuid);
  if (!commitReveal && !checkRateLimit(s, netuid, uid, env.block)) fail('SettingWeightsTooFast');
  // 10. A self-weight needs no permit.
  if (!isSelfWeight(uid, uids, values) && !(s.bools('validatorPermit', netuid)[uid] ?? false)) fail('NeuronNoValidatorPermit');
  // 11.
  if (hasDuplicates(uids)) fail('DuplicateUids');
  // 12.
  if (uids.some((u) => !s.contains('keys', netuid, u))) fail('UidVecContainInvalidOne');
  // 13. check_length: a self-weight, or at least min(SubnetworkN, MinAllowedWeights) weights.
  const minAllowed = Math.min(n, s.num('minAllowedWeights', netuid));
  if (!isSelfWeight(uid, uids, values) && values.length < minAllowed) fail('WeightVecLengthIsLow');
  // 14.
  const upscaled = maxUpscaleU16(values);
  // 15. max_weight_limited: a self-weight, or MaxWeightsLimit u16::MAX, or the normalized maximum within the limit.
  const limit = s.num('maxWeightsLimit', netuid);
  if (!isSelfWeight(uid, uids, upscaled) && limit !== 65535 && !checkVecMaxLimited(upscaled, limit)) fail('MaxWeightExceeded');
  // 16.–17.
  s.set('weights', netuid, uid, uids.map((u, k) => [u, upscaled[k] as number]));
  // 18. Under commit-reveal the commit set LastUpdate.
  if (!commitReveal) setLastUpdate(s, netuid, uid, env.block);
  // 19.
  emit(env, 'WeightsSet', [netuid, uid]);
}

/** The set_weights call: refused under commit-reveal, else `do_set_weights`. */
export function setWeights(env: CallEnv, netuid: number, uids: number[], values: number[], versionKey: bigint): void {
  if (env.store.bool('commitRevealWeightsEnabled', netuid)) fail('CommitRevealEnabled');
  doSetWeights(env, netuid, uids, values, versionKey);
}

/**
 * Runs each item of a batch call, continuing on errors: a failed item's writes are undone, and after all items the
 * chain deposits BatchCompletedWithErrors once and BatchWeightItemFailed per failure, then BatchWeightsCompleted.
 */
export function runBatch(env: CallEnv, items: Array<() => void>, netuids: number[]): void {
  const failures: DispatchError[] = [];
  for (const item of items) {
    const save = env.store.state.checkpoint();
    try {
      item();
    } catch (err) {
      if (!(err instanceof DispatchError)) throw err;
      env.store.state.restore(save);
      failures.push(err);
    }
  }
  if (failures.length > 0) emit(env, 'BatchCompletedWithErrors', []);
  for (const err of failures) emit(env, 'BatchWeightItemFailed', [dispatchErrorData(err)]);
  emit(env, 'BatchWeightsCompleted', [netuids, env.who]);
}

/** batch_set_weights: per netuid, `(uid, value)` pairs and a version key; commit-reveal subnets fail their item. */
export function batchSetWeights(env: CallEnv, netuids: number[], weights: Array<Array<[number, number]>>, versionKeys: bigint[]): void {
  if (netuids.length !== weights.length || netuids.length !== versionKeys.length) fail('InputLengthsUnequal');
  const items = netuids.map((netuid, i) => () => {
    if (env.store.bool('commitRevealWeightsEnabled', netuid)) fail('CommitRevealEnabled');
    const row = weights[i] ?? [];
    doSetWeights(env, netuid, row.map(([u]) => u), row.map(([, v]) => v), versionKeys[i] ?? 0n);
  });
  runBatch(env, items, netuids);
}
