import type { Hex } from '../storage-codec.js';
import type { SubtensorStore } from './store.js';

/*
 * The alpha stake of spec 233 (primitives/share-pool, staking/stake_utils.rs): a pool per (hotkey, netuid) whose value
 * is TotalHotkeyAlpha (u64 rao), split among coldkeys by shares: Alpha[(hotkey, coldkey, netuid)] and the denominator
 * TotalHotkeyShares[(hotkey, netuid)], both U64F64. A coldkey's stake is value / denominator × share. The epoch
 * reads TotalHotkeyAlpha. The arithmetic below is the share pool's, on raw fixed-point bits (64 fraction bits).
 */

const FRAC = 64n;
const U128_MAX = (1n << 128n) - 1n;
const I128_MAX = (1n << 127n) - 1n;
const I128_MIN = -(1n << 127n);
const U64_MAX = (1n << 64n) - 1n;

const satU128 = (x: bigint): bigint => (x > U128_MAX ? U128_MAX : x < 0n ? 0n : x);

function sharedValue(store: SubtensorStore, hotkey: Hex, netuid: number): bigint {
  return store.big('totalHotkeyAlpha', hotkey, netuid) << FRAC;
}

/** `set_shared_value`: stored as a u64 (the fraction is dropped), removed at 0. */
function setSharedValue(store: SubtensorStore, hotkey: Hex, netuid: number, bits: bigint): void {
  if (bits === 0n) store.remove('totalHotkeyAlpha', hotkey, netuid);
  else {
    const whole = bits >> FRAC;
    store.set('totalHotkeyAlpha', hotkey, netuid, whole > U64_MAX ? U64_MAX : whole);
  }
}

function setShare(store: SubtensorStore, hotkey: Hex, coldkey: Hex, netuid: number, bits: bigint): void {
  if (bits === 0n) store.remove('alpha', hotkey, coldkey, netuid);
  else store.set('alpha', hotkey, coldkey, netuid, { bits });
}

function setDenominator(store: SubtensorStore, hotkey: Hex, netuid: number, bits: bigint): void {
  if (bits === 0n) store.remove('totalHotkeyShares', hotkey, netuid);
  else store.set('totalHotkeyShares', hotkey, netuid, { bits });
}

/** `update_value_for_all` with a non-negative update: every staker of the hotkey gains in proportion to its shares. */
export function increaseStakeForHotkey(store: SubtensorStore, hotkey: Hex, netuid: number, amount: bigint): void {
  setSharedValue(store, hotkey, netuid, satU128(sharedValue(store, hotkey, netuid) + (amount << FRAC)));
}

/**
 * `increase_stake_for_hotkey_and_coldkey_on_subnet` (`update_value_for_one`): the coldkey buys shares at the pool's
 * price before the update; the first staker of an empty pool gets shares equal to the value.
 */
export function increaseStakeForColdkey(store: SubtensorStore, hotkey: Hex, coldkey: Hex, netuid: number, amount: bigint): void {
  const shared = sharedValue(store, hotkey, netuid);
  const share = store.fixedBits('alpha', hotkey, coldkey, netuid);
  const denominator = store.fixedBits('totalHotkeyShares', hotkey, netuid);
  // `amount as i64` on chain.
  const update = BigInt.asIntN(64, amount);
  increaseStakeForHotkey(store, hotkey, netuid, update < 0n ? 0n : update);
  if (denominator === 0n) {
    const fresh = sharedValue(store, hotkey, netuid);
    setDenominator(store, hotkey, netuid, fresh);
    setShare(store, hotkey, coldkey, netuid, fresh);
    return;
  }
  // value per share: U64F64 checked_div (None on overflow → 0), then saturated into I64F64.
  const perShareRaw = (shared << FRAC) / denominator;
  const perShare = perShareRaw > U128_MAX ? 0n : perShareRaw > I128_MAX ? I128_MAX : perShareRaw;
  // shares for the update: I64F64 checked_div (None on a zero divisor or overflow → 0), truncated toward zero.
  let shares = 0n;
  if (perShare !== 0n) {
    const q = ((update << FRAC) << FRAC) / perShare;
    shares = q > I128_MAX || q < I128_MIN ? 0n : q;
  }
  if (shares >= 0n) {
    setDenominator(store, hotkey, netuid, satU128(denominator + shares));
    setShare(store, hotkey, coldkey, netuid, satU128(share + shares));
  }
}

/** A coldkey's alpha on a hotkey (`get_value`): value / denominator × share, floored. */
export function stakeOf(store: SubtensorStore, hotkey: Hex, coldkey: Hex, netuid: number): bigint {
  const denominator = store.fixedBits('totalHotkeyShares', hotkey, netuid);
  if (denominator === 0n) return 0n;
  const perShare = (sharedValue(store, hotkey, netuid) << FRAC) / denominator;
  if (perShare > U128_MAX) return 0n;
  const value = satU128((perShare * store.fixedBits('alpha', hotkey, coldkey, netuid)) >> FRAC);
  return value >> FRAC > U64_MAX ? U64_MAX : value >> FRAC;
}
