import { maxUpscaleU16 } from '../simulation/index.js';
import { runEpochFields } from '../yuma/index.js';
import type { EpochInput, SparseRow } from '../yuma/index.js';
import { unpackRows, withWeights } from './history.js';
import type { AuditEpoch, Pricing } from './types.js';

/*
 * Pricing a finding with the exact engine (docs/audit.md, "Pricing"). The epochs of the finding's window are re-run
 * with the suspects' weights rows replaced by what an honest validator would have set, taken to be the consensus of
 * the honest rest: the engine's consensus on the same epoch with the suspects' rows emptied, stored as the chain
 * stores a row (max-upscaled to u16). Bonds are carried from one counterfactual epoch to the next, as the chain carries
 * them, starting from the archived bonds of the window's first epoch. The factual side is the engine on the archived
 * inputs as they are (what the chain paid, where a replay matches).
 */

/**
 * The honest rest's consensus at one epoch, as a stored weights row: the suspects are taken out of the vote (rows
 * emptied and stake zeroed). Emptying the rows alone would leave their stake voting zero for every miner, and a group
 * holding κ of the stake would then make the rest's consensus all zeros.
 */
export function honestRow(input: EpochInput, suspects: ReadonlySet<number>): SparseRow {
  const weights = input.weights.map((row, uid) => (suspects.has(uid) ? [] : row));
  const stake = input.stake.map((s, uid) => (suspects.has(uid) ? 0 : s));
  const { consensus } = runEpochFields({ ...input, weights, stake }, ['consensus'], { mode: 'exact' });
  const up = maxUpscaleU16(consensus);
  const row: SparseRow = [];
  up.forEach((v, uid) => { if (v > 0) row.push([uid, v]); });
  return row;
}

/**
 * The consensus of an epoch with the suspects' rows replaced by the honest rest's consensus (as the pricing replaces
 * them): what the consensus would have been without the group. The consensus does not read bonds, so no carrying.
 */
export function counterfactualConsensus(input: EpochInput, suspects: ReadonlySet<number>): number[] {
  const replacement = honestRow(input, suspects);
  const weights = input.weights.map((row, uid) => (suspects.has(uid) && row.length > 0 ? replacement : row));
  return runEpochFields({ ...input, weights }, ['consensus'], { mode: 'exact' }).consensus;
}

function sum(xs: ArrayLike<bigint>, uids: Iterable<number>): bigint {
  let s = 0n;
  for (const u of uids) s += xs[u] ?? 0n;
  return s;
}

/**
 * Prices the window [fromIndex, toIndex] of the history for the suspects' rows replaced by the honest rest's consensus.
 * `miners` are the favoured miners whose incentive is reported.
 */
export function priceFinding(history: readonly AuditEpoch[], validators: readonly number[], miners: readonly number[], fromIndex: number, toIndex: number): Pricing {
  const suspects = new Set(validators);
  let carried: SparseRow[] | null = null;
  let fact = 0n, cf = 0n, mFact = 0n, mCf = 0n, hFact = 0n, hCf = 0n;
  const perEpoch: Pricing['perEpoch'] = [];
  for (let t = fromIndex; t <= toIndex; t++) {
    const e = history[t]!;
    const input = withWeights(e);
    const replacement = honestRow(input, suspects);
    const weights = input.weights.map((row, uid) => (suspects.has(uid) && row.length > 0 ? replacement : row));
    const bonds: SparseRow[] = carried !== null && carried.length === input.n ? carried : unpackRows(e.bonds);
    const out: { validatorEmission: string[]; serverEmission: string[]; bonds: SparseRow[] } = runEpochFields({ ...input, weights, bonds }, ['validatorEmission', 'serverEmission', 'bonds'], { mode: 'exact' });
    carried = out.bonds;
    const cfV = out.validatorEmission.map((v) => BigInt(v));
    const cfS = out.serverEmission.map((v) => BigInt(v));
    const f = sum(e.validatorEmission, suspects), c = sum(cfV, suspects);
    fact += f;
    cf += c;
    mFact += sum(e.serverEmission, miners);
    mCf += sum(cfS, miners);
    const others = [...Array(input.n).keys()].filter((u) => !suspects.has(u));
    hFact += sum(e.validatorEmission, others);
    hCf += sum(cfV, others);
    perEpoch.push({ block: e.block, factual: Number(f), counterfactual: Number(c) });
  }
  return {
    dividendsGainRao: (fact - cf).toString(),
    dividendsRao: fact.toString(),
    dividendsRatio: cf === 0n ? null : Number(fact) / Number(cf),
    minersGainRao: (mFact - mCf).toString(),
    honestLossRao: (hCf - hFact).toString(),
    perEpoch,
  };
}
