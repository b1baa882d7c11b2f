import type { EpochOutput } from '../../yuma/index.js';
import type { Hex } from '../storage-codec.js';
import { increaseStakeForColdkey, increaseStakeForHotkey } from './share-pool.js';
import type { SubtensorStore } from './store.js';

/*
 * Paying an epoch's emission into stakes, as spec 233's `drain_pending_emission` does for a subnet without child keys
 * or root stake (the devnet has neither): each uid's server emission (incentive) is staked for its hotkey's owner
 * coldkey; its validator emission (dividends) pays the hotkey's take (Delegates, default 11796/65535) to the owner the
 * same way and adds the rest to the hotkey's pool, so every coldkey staked on it gains by its shares.
 * AlphaDividendsPerSubnet records the part after the take. The subnet owner's cut and root dividends are not modelled:
 * the epoch's raoEmission is what the subnet distributes.
 */

/** I96F32 has 32 fraction bits. */
const FRAC = 32n;
const U64_MAX = (1n << 64n) - 1n;

const toU64 = (bits: bigint): bigint => {
  const whole = bits >> FRAC;
  return whole > U64_MAX ? U64_MAX : whole < 0n ? 0n : whole;
};

/** Splits a dividend into the hotkey's take and the rest, in I96F32 as `get_hotkey_take_float` and the drain do. */
export function splitTake(dividend: bigint, take: number): { take: bigint; rest: bigint } {
  const takeFloat = (BigInt(take) << FRAC) / 65535n;
  const divBits = dividend << FRAC;
  const takeBits = (takeFloat * divBits) >> FRAC;
  return { take: toU64(takeBits), rest: toU64(divBits - takeBits) };
}

/** Pays one epoch's emission into the stakes of a subnet's hotkeys (by uid; null where a uid has no hotkey). */
export function distributeEmission(store: SubtensorStore, netuid: number, hotkeys: ReadonlyArray<Hex | null>, out: EpochOutput): void {
  // All incentives first, then all dividends, as the chain does.
  hotkeys.forEach((hotkey, uid) => {
    if (hotkey === null) return;
    increaseStakeForColdkey(store, hotkey, store.account('owner', hotkey), netuid, BigInt(out.serverEmission[uid] ?? '0'));
  });
  hotkeys.forEach((hotkey, uid) => {
    if (hotkey === null) return;
    const { take, rest } = splitTake(BigInt(out.validatorEmission[uid] ?? '0'), store.num('delegates', hotkey));
    increaseStakeForColdkey(store, hotkey, store.account('owner', hotkey), netuid, take);
    increaseStakeForHotkey(store, hotkey, netuid, rest);
    store.set('alphaDividendsPerSubnet', netuid, hotkey, rest);
  });
}
