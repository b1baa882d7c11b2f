import { InvalidInputError } from '../../errors/index.js';
import type { Hex, StorageCodec } from '../storage-codec.js';
import { privateKey, SubtensorStore } from './store.js';
import type { WriteTarget } from './store.js';

/*
 * Raw storage writes applied in the next block AFTER its on_initialize (its epochs) ran: what a call in the epoch
 * block's extrinsics could write over an epoch's results (an admin write, a buggy pallet). devnet_setStorage cannot
 * do this: its writes land before on_initialize, so the epoch reads them or overwrites them. The queue lives in the
 * devnet's own state entry `:yumaval:subtensor:after-initialize`, written by the admin call (which produces the next
 * block at once) and consumed and removed by that block's on_initialize, so the entry never outlives the block.
 */

const QUEUE = 'subtensor:after-initialize';
const HEX = /^0x([0-9a-fA-F]{2})*$/;

/**
 * The devnet_setStorageAfterInitialize admin call: `[[key, value | null], ...]` (0x hex; null deletes), applied in the
 * next block after its epochs. Answers the number of writes queued.
 * @throws InvalidInputError naming the pair that is wrong
 */
export function setStorageAfterInitialize(target: WriteTarget, codec: StorageCodec, params: unknown): { queued: number } {
  if (!Array.isArray(params)) throw new InvalidInputError('params[0]', 'expected an array of [key, value or null] pairs');
  const pairs = params.map((pair: unknown, i): [string, string | null] => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !HEX.test(pair[0]) || pair[0].length <= 2 || !(pair[1] === null || (typeof pair[1] === 'string' && HEX.test(pair[1])))) {
      throw new InvalidInputError(`params[0][${i}]`, 'expected [key, value or null] with 0x-prefixed hex');
    }
    return [pair[0].toLowerCase(), pair[1] === null ? null : (pair[1] as string).toLowerCase()];
  });
  const store = SubtensorStore.building(target, codec);
  const queued = (store.private(QUEUE) as Array<[string, string | null]> | null) ?? [];
  store.setPrivate(QUEUE, [...queued, ...pairs]);
  return { queued: queued.length + pairs.length };
}

/** Applies and clears the queued writes (on_initialize, after the epochs). */
export function applyAfterInitialize(store: SubtensorStore): void {
  const queued = store.private(QUEUE) as Array<[Hex, Hex | null]> | null;
  if (queued === null) return;
  for (const [key, value] of queued) store.state.set(key, value);
  store.state.set(privateKey(QUEUE), null);
}
