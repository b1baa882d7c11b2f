import type { Codec } from '@polkadot/types/types';

/*
 * The one decoding of storage values to TypeScript, whichever strategy read them (an absent value, undefined or null,
 * decodes as zero / false). Convention (contracts/epoch-io.md): integers that always fit 2^53 (u8, u16, u32, block
 * numbers) are numbers; u64 items (rao, WeightsSetRateLimit, WeightsVersionKey, RevealPeriodEpochs, ...) are bigints,
 * as Hyperparams gives them, and code that does block arithmetic with them converts with Number() where it uses them.
 */

/** A value read from storage, or nothing (absent, or an Optional item unset). */
export type StoredValue = Codec | null | undefined;

/** A Codec's integer value as a number (u8..u32, block numbers). */
export function num(c: StoredValue): number {
  return c === undefined || c === null ? 0 : Number(c.toString());
}

/** A Codec's integer value as a bigint (u64, u128). */
export function big(c: StoredValue): bigint {
  return c === undefined || c === null ? 0n : BigInt(c.toString());
}

/** A Codec's boolean value. */
export function bool(c: StoredValue): boolean {
  return c !== undefined && c !== null && c.toJSON() === true;
}
