// The metagraph's weights and bonds as the sync decodes them: SCALE rows straight into CSR arrays (checked against
// @polkadot/types' own codec), and the Metagraph's lazy `[uid, u16]` rows built from them on first read.
import { TypeRegistry } from '@polkadot/types';
import { describe, expect, it } from 'vitest';
import { metagraphToEpochArrays, metagraphToEpochInput } from '../../src/chain/index.js';
import type { Metagraph } from '../../src/chain/index.js';
import { fastPairsCsr } from '../../src/chain/scale-decode.js';
import { Prng } from '../../src/random/index.js';
import { lazyRowsCsr, pairsToCsr, runEpoch } from '../../src/yuma/index.js';
import type { SparseRow } from '../../src/yuma/index.js';
import { syntheticSubnet } from '../../src/yuma/index.js';
import { syntheticMetagraph } from './metagraph-fixture.js';

const registry = new TypeRegistry();
const encode = (row: SparseRow): string => registry.createType('Vec<(u16,u16)>', row).toHex();

/** Random rows: some absent, some empty, lengths across the SCALE compact prefix's 1-, 2- and 4-byte forms. */
function randomRows(rng: Prng, n: number): Array<SparseRow | undefined> {
  const lengths = [0, 1, 3, 63, 64, 200, 16383, 16384, 20000];
  return Array.from({ length: n }, () => {
    if (rng.int(4) === 0) return undefined;
    const len = lengths[rng.int(lengths.length)]!;
    return Array.from({ length: len }, (): [number, number] => [rng.int(65536), rng.int(65536)]);
  });
}

describe('fastPairsCsr', () => {
  it('decodes stored Vec<(u16, u16)> rows into the CSR arrays of the same rows, in storage order', () => {
    const rng = new Prng(2212);
    const n = 24;
    const rows = randomRows(rng, n);
    // Storage order is by key hash, not by uid: give the rows shuffled.
    const stored = rows.flatMap((r, uid) => (r === undefined ? [] : [[uid, encode(r)] as const]));
    for (let i = stored.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [stored[i], stored[j]] = [stored[j]!, stored[i]!];
    }
    const csr = fastPairsCsr(stored, n);
    const expected = pairsToCsr(rows.map((r) => r ?? []));
    expect(Array.from(csr.offsets)).toEqual(Array.from(expected.offsets));
    expect(Buffer.from(csr.uids.buffer).equals(Buffer.from(expected.uids.buffer))).toBe(true);
    expect(Buffer.from(csr.values.buffer).equals(Buffer.from(expected.values.buffer))).toBe(true);
    expect(csr.offsets[n]).toBeGreaterThan(16384);
  });

  it('gives n empty rows when nothing is stored', () => {
    const csr = fastPairsCsr([], 5);
    expect(Array.from(csr.offsets)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(csr.uids.length).toBe(0);
  });
});

/** A metagraph with lazy rows (the fixture), and the rows its arrays were made from. */
function lazyMetagraph(seed: number): { m: Metagraph; weights: SparseRow[]; bonds: SparseRow[] } {
  const x = syntheticSubnet({ n: 120, validators: 120 >> 3, seed, yuma3: true, liquidAlpha: false });
  return { m: syntheticMetagraph({ n: 120, seed }), weights: x.weights, bonds: x.bonds };
}

describe('a metagraph with lazy rows (withLazyRows)', () => {
  it('reads, prints and clones as a metagraph with plain rows', () => {
    const { m, weights, bonds } = lazyMetagraph(1);
    const plain = { ...lazyMetagraph(1).m };
    expect(Object.keys(m)).toEqual(Object.keys(plain));
    expect(JSON.stringify(lazyMetagraph(1).m, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)))
      .toBe(JSON.stringify({ ...plain, weights, bonds }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)));
    expect(m.weights).toEqual(weights);
    expect(m.bonds).toEqual(bonds);
    expect(structuredClone(lazyMetagraph(1).m).weights).toEqual(weights);
  });

  it('hands its arrays to metagraphToEpochArrays until the rows are built, then the rows as changed', () => {
    const { m, weights } = lazyMetagraph(2);
    const before = metagraphToEpochArrays(m);
    expect(before.weights).toBe(lazyRowsCsr(m, 'weights'));
    expect(lazyRowsCsr(m, 'weights')).toBeDefined();
    // Reading the rows builds them once and forgets the arrays: the rows are now the state, and may be changed.
    expect(m.weights).toBe(m.weights);
    expect(lazyRowsCsr(m, 'weights')).toBeUndefined();
    expect(lazyRowsCsr(m, 'bonds')).toBeDefined();
    m.weights[0] = [[5, 65535]];
    const after = metagraphToEpochArrays(m);
    expect(Array.from(after.weights.uids.subarray(0, after.weights.offsets[1]))).toEqual([5]);
    expect(after.weights.offsets[1]).not.toBe(before.weights.offsets[1]);
    // An assignment replaces the rows as on a plain object.
    m.bonds = weights;
    expect(lazyRowsCsr(m, 'bonds')).toBeUndefined();
    expect(m.bonds).toBe(weights);
  });

  it('runs to the same output, bit for bit, from its arrays and from an EpochInput of its rows', () => {
    const { m } = lazyMetagraph(3);
    const fromArrays = JSON.stringify(runEpoch(metagraphToEpochArrays(m)));
    expect(lazyRowsCsr(m, 'weights')).toBeDefined();
    // metagraphToEpochInput builds fresh rows from the arrays, and leaves the metagraph's own rows unbuilt.
    const input = metagraphToEpochInput(m);
    expect(lazyRowsCsr(m, 'weights')).toBeDefined();
    expect(JSON.stringify(runEpoch(input))).toBe(fromArrays);
  });
});
