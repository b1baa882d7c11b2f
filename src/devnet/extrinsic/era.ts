import type { ExtrinsicEra } from '@polkadot/types/interfaces';

/*
 * Transaction mortality as frame-system's CheckMortality applies it. A mortal era (period, phase) names a birth block
 * relative to the block a transaction is checked in; the signature covers that birth block's hash, so a transaction
 * signed at one block stays valid until `birth + period`. After that its birth moves on to a block with another hash
 * and the signature no longer matches. Immortal transactions are born at block 0 (the genesis hash).
 */

/** Period and phase of an era; `null` for an immortal one. */
export type Mortality = { period: number; phase: number } | null;

/** Reads the mortality of a decoded extrinsic's era. */
export function mortalityOf(era: ExtrinsicEra): Mortality {
  if (!era.isMortalEra) return null;
  const m = era.asMortalEra;
  return { period: m.period.toNumber(), phase: m.phase.toNumber() };
}

/** The birth block of a transaction checked in block `current` (sp-runtime `Era::birth`). */
export function eraBirth(mortality: Mortality, current: number): number {
  if (mortality === null) return 0;
  const { period, phase } = mortality;
  return Math.floor((Math.max(current, phase) - phase) / period) * period + phase;
}

/** The first block in which the transaction is no longer valid (sp-runtime `Era::death`); Infinity when immortal. */
export function eraDeath(mortality: Mortality, current: number): number {
  if (mortality === null) return Infinity;
  return eraBirth(mortality, current) + mortality.period;
}

/**
 * Whether a transaction checked with birth block `birth` may still go into block `number`, as CheckMortality sees it
 * there: null when it may; BadProof when its era has ended (its birth moves on to a block whose hash the signature does
 * not cover); AncientBirthBlock when System.BlockHash no longer holds its birth block (pruned after BlockHashCount).
 */
export function eraRecheck(
  tx: { mortality: Mortality; birth: number },
  number: number,
  blockHashCount: number,
): 'BadProof' | 'AncientBirthBlock' | null {
  if (eraBirth(tx.mortality, number) !== tx.birth) return 'BadProof';
  if (tx.birth !== 0 && number - 1 - tx.birth > blockHashCount) return 'AncientBirthBlock';
  return null;
}
