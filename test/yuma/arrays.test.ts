// The typed-array entry (src/yuma/arrays.ts): an epoch given as CSR rows and u64 vectors in typed arrays must give the
// EpochInput path's output to the last bit, in both modes, and refuse malformed arrays with the field that is wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bondsArrays, epochInputToArrays, InvalidInputError, prepareEpochArrays, runEpoch } from '../../src/index.js';
import type { CsrArrays, EpochArrays, EpochInput, EpochMode, SparseRow } from '../../src/index.js';
import { syntheticSubnet } from '../../src/yuma/synthetic.js';
import { subnetArb } from './arbitraries.js';

const json = (x: unknown): string => JSON.stringify(x);
const NONE = (1n << 64n) - 1n;

/**
 * The typed-array form built here, independently of epochInputToArrays: offsets as a Uint32Array, u64 vectors from
 * the JSON values, commit blocks with 2^64 − 1 for none, and the hyperparameters passed through as given.
 */
function toArrays(x: EpochInput): EpochArrays {
  const csr = (rows: SparseRow[]): CsrArrays => {
    const flat = rows.flat();
    const offsets = new Uint32Array(rows.length + 1);
    rows.forEach((row, i) => { offsets[i + 1] = (offsets[i] as number) + row.length; });
    return { offsets, uids: Uint16Array.from(flat, ([j]) => j), values: Uint16Array.from(flat, ([, v]) => v) };
  };
  const { stake, lastUpdate, blockAtRegistration, validatorPermit, weights, bonds, commitBlock, ...rest } = x;
  return {
    ...rest,
    stake: BigUint64Array.from(stake, (s) => BigInt(s)),
    lastUpdate: BigUint64Array.from(lastUpdate, (b) => BigInt(b)),
    blockAtRegistration: BigUint64Array.from(blockAtRegistration, (b) => BigInt(b)),
    validatorPermit: Uint8Array.from(validatorPermit, (p) => Number(p)),
    weights: csr(weights),
    bonds: csr(bonds),
    commitBlock: commitBlock === undefined ? undefined : BigUint64Array.from(commitBlock, (b) => (b === null ? NONE : BigInt(b))),
  };
}

function bothModesEqual(input: EpochInput, arrays: EpochArrays, label: string): void {
  for (const mode of ['exact', 'f64'] as EpochMode[]) {
    const fromInput = json(runEpoch(input, { mode }));
    expect(json(runEpoch(arrays, { mode })) === fromInput, `${label} ${mode}`).toBe(true);
  }
}

describe('the typed-array entry gives the EpochInput path\'s output to the bit', () => {
  it('random subnets with every feature (n 0..64), both modes', () => {
    const inputs = fc.sample(subnetArb({ minN: 0, maxN: 64 }), { seed: 0xa77a_0001, numRuns: 400 });
    for (const [k, input] of inputs.entries()) bothModesEqual(input, toArrays(input), `input ${k}`);
  });

  it('random subnets n 65..300', () => {
    const inputs = fc.sample(subnetArb({ minN: 65, maxN: 300, denseWeight: 1 }), { seed: 0xa77a_0002, numRuns: 30 });
    for (const [k, input] of inputs.entries()) bothModesEqual(input, toArrays(input), `input ${k}`);
  });

  it('large synthetic subnets, original and Yuma3 with and without liquid alpha (the helper thread\'s sizes)', () => {
    for (const [yuma3, liquidAlpha] of [[false, false], [true, false], [true, true]] as const) {
      const input = syntheticSubnet({ n: 1024, validators: 128, seed: 51, yuma3, liquidAlpha });
      bothModesEqual(input, toArrays(input), `yuma3 ${yuma3} liquidAlpha ${liquidAlpha}`);
    }
  });

  it('epochInputToArrays gives the same form (its output runs to the same bits)', () => {
    const inputs = fc.sample(subnetArb({ minN: 0, maxN: 32 }), { seed: 0xa77a_0003, numRuns: 100 });
    for (const [k, input] of inputs.entries()) bothModesEqual(input, epochInputToArrays(input), `input ${k}`);
  });

  it('copies the caller\'s arrays: changing them after the run leaves the lazy output as it was', () => {
    const input = syntheticSubnet({ n: 256, validators: 32, seed: 52, yuma3: true });
    const expected = json(runEpoch(input));
    const arrays = toArrays(input);
    const out = runEpoch(arrays);
    arrays.weights.values.fill(1);
    arrays.stake.fill(5n);
    // Another run reuses the heap, so reading `out` now recomputes it from its own prepared copy.
    runEpoch(syntheticSubnet({ n: 64, validators: 8, seed: 53 }));
    expect(json(out)).toBe(expected);
  });
});

describe('bondsArrays: the output bonds as typed arrays', () => {
  /** The CSR form of bond rows of pairs, built here from the contract's field. */
  const fromRows = (rows: SparseRow[]): string => json({
    offsets: [0, ...rows.map((_, i) => rows.slice(0, i + 1).reduce((a, r) => a + r.length, 0))],
    uids: rows.flat().map(([j]) => j),
    values: rows.flat().map(([, v]) => v),
  });
  const plain = (b: { offsets: Int32Array; uids: Uint16Array; values: Uint16Array }): string =>
    json({ offsets: Array.from(b.offsets), uids: Array.from(b.uids), values: Array.from(b.values) });

  it('equals the bonds rows: read in place, after other runs (recomputed), and once the rows were built', () => {
    const inputs = fc.sample(subnetArb({ minN: 0, maxN: 40 }), { seed: 0xa77a_0004, numRuns: 150 });
    for (const [k, input] of inputs.entries()) {
      for (const mode of ['exact', 'f64'] as EpochMode[]) {
        const expected = fromRows(runEpoch(input, { mode }).bonds);
        const inPlace = runEpoch(toArrays(input), { mode });
        expect(plain(bondsArrays(inPlace)), `input ${k} ${mode} in place`).toBe(expected);
        const later = runEpoch(input, { mode });
        runEpoch(inputs[(k + 1) % inputs.length] as EpochInput, { mode });
        expect(plain(bondsArrays(later)), `input ${k} ${mode} after another run`).toBe(expected);
        void later.bonds;
        expect(plain(bondsArrays(later)), `input ${k} ${mode} from the built rows`).toBe(expected);
        expect(plain(bondsArrays({ ...later })), `input ${k} ${mode} a plain copy`).toBe(expected);
      }
    }
  });
});

describe('the typed-array entry refuses malformed input, naming the field', () => {
  const base = (): EpochArrays => toArrays(syntheticSubnet({ n: 8, validators: 3, seed: 54 }));
  const refuses = (change: (x: EpochArrays) => unknown, path: string, message: RegExp): void => {
    const x = base();
    const changed = (change(x) ?? x) as EpochArrays;
    let caught: unknown;
    try {
      prepareEpochArrays(changed);
    } catch (err) {
      caught = err;
    }
    expect(caught, path).toBeInstanceOf(InvalidInputError);
    expect((caught as InvalidInputError).path).toBe(path);
    expect((caught as Error).message).toMatch(message);
  };

  it('accepts the well-formed base', () => {
    expect(prepareEpochArrays(base()).n).toBe(8);
  });

  it('vectors: type, length and permit values', () => {
    refuses((x) => ({ ...x, stake: Array.from(x.stake) }), 'stake', /expected a BigUint64Array of 8 stakes/);
    refuses((x) => ({ ...x, lastUpdate: x.lastUpdate.subarray(1) }), 'lastUpdate', /expected 8 entries.*got 7/);
    refuses((x) => ({ ...x, blockAtRegistration: new Float64Array(8) }), 'blockAtRegistration', /BigUint64Array/);
    refuses((x) => { x.validatorPermit[3] = 2; }, 'validatorPermit[3]', /expected 0 or 1, got 2/);
    refuses((x) => ({ ...x, commitBlock: new BigUint64Array(9) }), 'commitBlock', /expected 8 entries/);
  });

  it('CSR matrices: offsets, uids and values', () => {
    refuses((x) => ({ ...x, weights: { ...x.weights, offsets: Array.from(x.weights.offsets) } }), 'weights.offsets', /Int32Array or Uint32Array/);
    refuses((x) => ({ ...x, weights: { ...x.weights, offsets: x.weights.offsets.subarray(1) } }), 'weights.offsets', /expected n \+ 1 = 9 row offsets, got 8/);
    refuses((x) => ({ ...x, bonds: { ...x.bonds, uids: Array.from(x.bonds.uids) } }), 'bonds.uids', /Uint16Array/);
    refuses((x) => ({ ...x, weights: { ...x.weights, values: x.weights.values.subarray(1) } }), 'weights.values', /one value per uid/);
    refuses((x) => { x.weights.offsets[0] = 1; }, 'weights.offsets[0]', /expected 0, got 1/);
    refuses((x) => { x.weights.offsets[8] = 0; }, 'weights.offsets[8]', /expected the entry count/);
    refuses((x) => { x.weights.offsets[2] = 0; }, 'weights.offsets[2]', /must not decrease/);
    refuses((x) => { x.weights.uids[1] = 8; }, 'weights.uids[1]', /uid 8 in row 0 is not below n = 8/);
    refuses((x) => { x.weights.uids[1] = x.weights.uids[0] as number; }, 'weights.uids[1]', /appears twice in row 0/);
    refuses((x) => ({ ...x, bonds: null }), 'bonds', /expected \{ offsets, uids, values \}/);
  });

  it('scalars: required fields and the hyperparameters\' ranges, as for an EpochInput', () => {
    refuses((x) => { delete (x as Partial<EpochArrays>).block; }, 'block', /is required/);
    refuses((x) => ({ ...x, n: 70000 }), 'n', /0\.\.65535/);
    refuses((x) => ({ ...x, ownerUid: 8 }), 'ownerUid', /0\.\.7/);
    refuses((x) => ({ ...x, kappa: 65536 }), 'kappa', /0\.\.65535/);
  });
});
