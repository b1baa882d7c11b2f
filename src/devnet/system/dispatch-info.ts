import type { Call } from '../extrinsic/check.js';
import type { DevnetRuntime } from '../runtime.js';

/*
 * The DispatchInfo that System.ExtrinsicSuccess / ExtrinsicFailed carry: weight, class and whether fees are paid.
 * The metadata does not hold call weights, so the subtensor weight calls use the weights their `#[pallet::weight]`
 * attributes declare in the spec-233 release (subtensor `pallets/subtensor/src/macros/dispatches.rs`, with RocksDb
 * weights: a read 25_000_000 and a write 100_000_000 ref-time units), all Normal and Pays::No. Other calls get a
 * nominal weight (the devnet does not meter block weight). As frame-system's `note_applied_extrinsic` does, the
 * class's base extrinsic weight (System.BlockWeights) is added.
 */

const READ = 25_000_000n;
const WRITE = 100_000_000n;

/** Declared weight (ref time) of the weight calls, by `section.method`; every one of them is Normal and Pays::No. */
const WEIGHT_CALLS: ReadonlyMap<string, bigint> = new Map([
  ['subtensorModule.setWeights', 22_060_000_000n + 4106n * READ + 2n * WRITE],
  ['subtensorModule.batchSetWeights', 22_060_000_000n + 4106n * READ + 2n * WRITE],
  ['subtensorModule.commitWeights', 46_000_000n + READ + WRITE],
  ['subtensorModule.batchCommitWeights', 46_000_000n + READ + 2n * WRITE],
  ['subtensorModule.revealWeights', 103_000_000n + 11n * READ + 3n * WRITE],
  ['subtensorModule.commitCrv3Weights', 46_000_000n + READ + WRITE],
  ['subtensorModule.batchRevealWeights', 367_612_000n + 14n * READ + 3n * WRITE],
  ['subtensorModule.setTaoWeights', 10_151_000_000n + 4104n * READ + 2n * WRITE],
]);

/** Weight given to calls outside the table (nominal: one read and one write). */
const NOMINAL_WEIGHT = 10_000_000n + READ + WRITE;

/** Nominal weight of the Timestamp.set inherent. */
const TIMESTAMP_SET_WEIGHT = 9_000_000n + READ + WRITE;

/** DispatchInfo in the JSON form the registry takes. */
export interface DispatchInfoJson {
  weight: { refTime: bigint; proofSize: bigint };
  class: 'Normal' | 'Operational' | 'Mandatory';
  paysFee: 'Yes' | 'No';
}

function baseExtrinsic(runtime: DevnetRuntime, cls: 'normal' | 'mandatory'): bigint {
  const weights = runtime.decorated.consts.system?.blockWeights as unknown as
    | { perClass: Record<string, { baseExtrinsic: { refTime: { toBigInt(): bigint } } }> }
    | undefined;
  return weights?.perClass[cls]?.baseExtrinsic.refTime.toBigInt() ?? 0n;
}

/** The DispatchInfo reported for an applied signed call (its declared weight is its actual weight). */
export function dispatchInfoOf(runtime: DevnetRuntime, call: Call): DispatchInfoJson {
  const declared = WEIGHT_CALLS.get(`${call.section}.${call.method}`);
  return {
    weight: { refTime: (declared ?? NOMINAL_WEIGHT) + baseExtrinsic(runtime, 'normal'), proofSize: 0n },
    class: 'Normal',
    paysFee: declared === undefined ? 'Yes' : 'No',
  };
}

/** The DispatchInfo of the Timestamp.set inherent. */
export function inherentDispatchInfo(runtime: DevnetRuntime): DispatchInfoJson {
  return {
    weight: { refTime: TIMESTAMP_SET_WEIGHT + baseExtrinsic(runtime, 'mandatory'), proofSize: 0n },
    class: 'Mandatory',
    paysFee: 'Yes',
  };
}
