import { describe, expect, it } from 'vitest';
import { auditEpoch, honestRow, priceFinding } from '../../src/audit/index.js';
import type { Snapshot } from '../../src/replay/index.js';
import { maxUpscaleU16 } from '../../src/simulation/index.js';
import { referenceEpoch, validateEpochInput } from '../../src/yuma/index.js';
import type { EpochInput, SparseRow } from '../../src/yuma/index.js';
import { address } from './planted.js';

/*
 * Pricing: a hand-built subnet whose answer is known, checked against the independent BigInt reference engine
 * (src/yuma/reference), not the wasm engine the pricing runs.
 * uids 0, 1, 2 are validators (stake 400, 400, 200 TAO); 3 and 4 are miners. 0 and 1 weigh miner 3 only; validator 2
 * self-deals: its whole row is on miner 4, which shares its coldkey.
 */

const TAO = 1_000_000_000n;
const HONEST: SparseRow = [[3, 65535]];
const DEALER: SparseRow = [[4, 65535]];

function epochInput(block: number, row2: SparseRow, bonds: SparseRow[]): EpochInput {
  return {
    n: 5, block, tempo: 10,
    stake: [400n * TAO, 400n * TAO, 200n * TAO, 0n, 0n].map(String),
    lastUpdate: [block - 1, block - 1, block - 1, 0, 0],
    blockAtRegistration: [0, 0, 0, 0, 0],
    validatorPermit: [true, true, true, false, false],
    weights: [HONEST, HONEST, row2, [], []],
    bonds,
    maxAllowedValidators: 3,
  };
}

/** Three epochs 11 blocks apart, each input's bonds what the reference engine stored after the one before. */
function history(row2: SparseRow): Snapshot[] {
  const out: Snapshot[] = [];
  let bonds: SparseRow[] = [[], [], [], [], []];
  for (const block of [11, 22, 33]) {
    const input = epochInput(block, row2, bonds);
    bonds = referenceEpoch(validateEpochInput(input)).bonds;
    out.push({ netuid: 1, block, input, output: null, hotkeys: [0, 1, 2, 3, 4].map((u) => address(100 + u)), coldkeys: [0, 1, 2, 3, 2].map(address) });
  }
  return out;
}

const sumAt = (xs: string[], uids: number[]): bigint => uids.reduce((s, u) => s + BigInt(xs[u] as string), 0n);

describe('priceFinding', () => {
  it('prices a self-dealer against the reference engine re-running the honest counterfactual', () => {
    const snaps = history(DEALER);
    const h = snaps.map(auditEpoch);
    const p = priceFinding(h, [2], [4], 0, 2);

    // The known part: miner 4 has a fifth of the validators' stake behind it, under kappa's half, so its
    // consensus, incentive and server emission are 0, and the dealer's bonds earn it no dividends.
    for (const e of h) {
      expect(e.consensus[4]).toBe(0);
      expect(e.serverEmission[4]).toBe(0n);
      expect(e.validatorEmission[2]).toBe(0n);
    }
    expect(p.dividendsRao).toBe('0');

    // The counterfactual by hand with the reference engine: the rest's consensus (validators 0 and 1 alone: the dealer's
    // row emptied and its stake out of the vote) as
    // validator 2's stored row, bonds carried from the counterfactual's own previous epoch.
    let bonds: SparseRow[] = [[], [], [], [], []];
    let cfDealer = 0n, cfMiner = 0n, cfHonest = 0n, factHonest = 0n;
    for (const s of snaps) {
      const rest = referenceEpoch(validateEpochInput({ ...s.input, weights: [HONEST, HONEST, [], [], []], stake: s.input.stake.map((x, u) => (u === 2 ? 0 : x)) }));
      const up = maxUpscaleU16(rest.consensus);
      const row: SparseRow = up.flatMap((v, u): Array<[number, number]> => (v > 0 ? [[u, v]] : []));
      expect(row).toEqual([[3, 65535]]);
      const cf = referenceEpoch(validateEpochInput({ ...s.input, weights: [HONEST, HONEST, row, [], []], bonds }));
      bonds = cf.bonds;
      cfDealer += sumAt(cf.validatorEmission, [2]);
      cfMiner += sumAt(cf.serverEmission, [4]);
      cfHonest += sumAt(cf.validatorEmission, [0, 1, 3, 4]);
      factHonest += sumAt(referenceEpoch(validateEpochInput(s.input)).validatorEmission, [0, 1, 3, 4]);
    }
    expect(cfDealer).toBeGreaterThan(0n);
    expect(p.dividendsGainRao).toBe((0n - cfDealer).toString());
    expect(p.minersGainRao).toBe((0n - cfMiner).toString());
    expect(p.honestLossRao).toBe((cfHonest - factHonest).toString());
    expect(p.dividendsRatio).toBe(0);
    expect(p.perEpoch.map((x) => x.block)).toEqual([11, 22, 33]);
  });

  it('gains exactly nothing when the suspect already set the honest rest\'s consensus', () => {
    const row = honestRow(epochInput(11, DEALER, [[], [], [], [], []]), new Set([2]));
    const h = history(row).map(auditEpoch);
    const p = priceFinding(h, [2], [4], 0, 2);
    expect(BigInt(p.dividendsRao)).toBeGreaterThan(0n);
    expect(p.dividendsGainRao).toBe('0');
    expect(p.minersGainRao).toBe('0');
    expect(p.honestLossRao).toBe('0');
    expect(p.dividendsRatio).toBe(1);
  });
});
