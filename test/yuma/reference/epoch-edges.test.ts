import { describe, expect, it } from 'vitest';
import { referenceEpoch } from '../../../src/yuma/reference/index.js';
import type { EpochInput, EpochOutput } from '../../../src/yuma/types.js';
import { validateEpochInput } from '../../../src/yuma/validate.js';

/*
 * Epoch-level behaviours the upstream vectors do not reach (owner rules, commit-reveal mask, extreme stakes, the
 * bonds mask block, Yuma3 explicit zeros). Every expectation is derived by hand from spec §4.
 */

function run(overrides: Partial<EpochInput> & Pick<EpochInput, 'n'>): EpochOutput {
  const n = overrides.n;
  const base: EpochInput = {
    n,
    block: 100,
    stake: Array<number>(n).fill(0),
    lastUpdate: Array<number>(n).fill(100),
    blockAtRegistration: Array<number>(n).fill(0),
    validatorPermit: Array<boolean>(n).fill(false),
    weights: Array.from({ length: n }, () => []),
    bonds: Array.from({ length: n }, () => []),
  };
  return referenceEpoch(validateEpochInput({ ...base, ...overrides }));
}

describe('subnet owner', () => {
  it('is exempt from the stake threshold and always gets a permit; ties at the top-k cut go to the higher uid', () => {
    const input = { n: 3, stake: [10, 100, 100], stakeThreshold: 50, maxAllowedValidators: 1 };
    const withOwner = run({ ...input, ownerUid: 0 });
    expect(withOwner.bits?.stake).toEqual([(10n << 32n) / 210n, (100n << 32n) / 210n, (100n << 32n) / 210n].map(String));
    expect(withOwner.validatorPermit).toEqual([true, false, true]);
    const noOwner = run(input);
    expect(noOwner.bits?.stake).toEqual(['0', String(1n << 31n), String(1n << 31n)]);
    expect(noOwner.validatorPermit).toEqual([false, false, true]);
  });

  it('keeps its self-weight while every other diagonal entry is masked', () => {
    const input = {
      n: 2,
      stake: [1000, 0],
      validatorPermit: [true, false],
      weights: [[[0, 65535]], []] as Array<Array<[number, number]>>,
    };
    expect(run({ ...input, ownerUid: 0 }).incentive).toEqual([65535, 0]);
    expect(run(input).incentive).toEqual([0, 0]);
  });
});

describe('commit-reveal column mask', () => {
  const input = {
    n: 3,
    block: 20,
    stake: [1000, 0, 0],
    lastUpdate: [20, 20, 20],
    blockAtRegistration: [0, 5, 10],
    validatorPermit: [true, false, false],
    weights: [[[1, 65535], [2, 65535]], [], []] as Array<Array<[number, number]>>,
  };

  it('drops (i, j) when commitBlock[i] < blockAtRegistration[j]', () => {
    const out = run({ ...input, commitRevealEnabled: true, commitBlock: [7, null, null] });
    expect(out.consensus).toEqual([0, 65535, 0]);
    expect(out.incentive).toEqual([0, 65535, 0]);
  });

  it('does nothing when disabled or when the commit block is null (u64::MAX)', () => {
    const split = [0, 32767, 32767];
    expect(run({ ...input, commitBlock: [7, null, null] }).incentive).toEqual(split);
    expect(run({ ...input, commitRevealEnabled: true }).incentive).toEqual(split);
    // A commit at the registration block itself is not older than the registration.
    expect(run({ ...input, commitRevealEnabled: true, commitBlock: [10, null, null] }).incentive).toEqual(split);
  });
});

describe('extreme stakes', () => {
  it('u64 stakes ≥ 2^63 saturate to I64F64::MAX and the wrapping sum makes every quotient overflow to 0', () => {
    const out = run({ n: 3, stake: ['18446744073709551615', '9223372036854775808', 0] });
    expect(out.bits?.stake).toEqual(['0', '0', '0']);
    expect(out.emission).toEqual(['0', '0', '0']);
  });
});

describe('bonds mask block (original Yuma)', () => {
  const input = {
    n: 2,
    block: 100,
    tempo: 10,
    stake: [1000, 0],
    validatorPermit: [true, false],
    blockAtRegistration: [0, 50],
    bonds: [[[1, 65535]], []] as Array<Array<[number, number]>>,
  };

  it('keeps a bond to a uid registered before last_tempo = block − tempo', () => {
    // No weights: the bond decays to 0.9, is column-normalised back to 1 and max-upscaled for storage.
    expect(run(input).bonds).toEqual([[[1, 65535]], []]);
  });

  it('uses lastMechanismStepBlock + 1 when known: registration at that block drops the bond', () => {
    expect(run({ ...input, lastMechanismStepBlock: 49 }).bonds).toEqual([[], []]);
    expect(run({ ...input, lastMechanismStepBlock: 50 }).bonds).toEqual([[[1, 65535]], []]);
  });
});

describe('Yuma3 with liquid alpha', () => {
  // block − tempo = 640 > every registration block, so the stored bond survives the bonds mask.
  const input = {
    n: 3,
    block: 1000,
    stake: [1000, 0, 0],
    validatorPermit: [true, false, false],
    yuma3: true,
    liquidAlpha: true,
    bondsPenalty: 0,
    bonds: [[[2, 6553]], [], []] as Array<Array<[number, number]>>,
  };

  it('an explicit zero weight keeps the old bond decaying; an omitted uid loses it', () => {
    const kept = run({ ...input, weights: [[[1, 65535], [2, 0]], [], []] });
    expect(kept.bonds[0]?.map(([j]) => j)).toEqual([1, 2]);
    expect((kept.bonds[0]?.[1]?.[1] ?? 0) > 0).toBe(true);
    expect((kept.bonds[0]?.[1]?.[1] ?? 65535) < 6553).toBe(true);
    const dropped = run({ ...input, weights: [[[1, 65535]], [], []] });
    expect(dropped.bonds[0]?.map(([j]) => j)).toEqual([1]);
  });

  it('emits the bonds in the weight row order, not sorted', () => {
    const out = run({ ...input, weights: [[[2, 0], [1, 65535]], [], []] });
    expect(out.bonds[0]?.map(([j]) => j)).toEqual([2, 1]);
  });
});
