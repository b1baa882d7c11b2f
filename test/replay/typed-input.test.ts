// The typed-array form a chain snapshot keeps (typed-input.ts): the CSR edits readSnapshot makes give the rows its
// pair edits gave; the snapshot's input is the EpochInput metagraphToEpochInput builds; the replay runs the arrays
// only while the rows are unbuilt, to the same bits as the rows.
import { describe, expect, it } from 'vitest';
import { metagraphToEpochArrays, metagraphToEpochInput } from '../../src/chain/index.js';
import { packInput, unpackInput } from '../../src/replay/snapshot-codec.js';
import { dropUidsFrom, replaceRows, typedFormOf, typedSnapshotInput } from '../../src/replay/typed-input.js';
import { Prng } from '../../src/random/index.js';
import { csrToPairs, lazyRowsCsr, pairsToCsr, runEpoch } from '../../src/yuma/index.js';
import type { SparseRow } from '../../src/yuma/index.js';
import { syntheticMetagraph } from '../chain/metagraph-fixture.js';

function randomRows(rng: Prng, rows: number, maxUid: number): SparseRow[] {
  return Array.from({ length: rows }, () => Array.from({ length: rng.int(6) }, (): [number, number] => [rng.int(maxUid), rng.int(65536)]));
}

const json = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));

describe('CSR edits of a chain snapshot', () => {
  it('dropUidsFrom keeps exactly the entries below n, in order (the same arrays when none is dropped)', () => {
    const rng = new Prng(41);
    for (let t = 0; t < 20; t++) {
      const rows = randomRows(rng, 12, 16);
      const n = 1 + rng.int(16);
      expect(csrToPairs(dropUidsFrom(pairsToCsr(rows), n))).toEqual(rows.map((r) => r.filter(([j]) => j < n)));
    }
    const below = pairsToCsr([[[1, 5]], [[0, 7]]]);
    expect(dropUidsFrom(below, 2)).toBe(below);
  });

  it('replaceRows replaces exactly the rows given and leaves its input unchanged', () => {
    const rng = new Prng(42);
    for (let t = 0; t < 20; t++) {
      const rows = randomRows(rng, 10, 10);
      const csr = pairsToCsr(rows);
      const before = json(csrToPairs(csr));
      const replaced = new Map<number, SparseRow>();
      for (let k = rng.int(4); k > 0; k--) replaced.set(rng.int(10), randomRows(rng, 1, 10)[0]!);
      const expected = rows.map((r, i) => replaced.get(i) ?? r);
      expect(csrToPairs(replaceRows(csr, replaced))).toEqual(expected);
      expect(json(csrToPairs(csr))).toBe(before);
    }
  });
});

describe('typedSnapshotInput', () => {
  it('leaves an archived input whose blocks are not integers to the EpochInput path', () => {
    const input = metagraphToEpochInput(syntheticMetagraph({ n: 20, seed: 8 }));
    input.lastUpdate[3] = 1.5;
    expect(typedFormOf(unpackInput(packInput(input)))).toBeUndefined();
    expect(typedFormOf(unpackInput(packInput({ ...input, lastUpdate: input.lastUpdate.map(Math.floor) })))).toBeDefined();
  });

  it('is the EpochInput of metagraphToEpochInput, field for field and in its order, with or without commit-reveal', () => {
    for (const commitReveal of [false, true]) {
      const m = syntheticMetagraph({ n: 50, seed: 5, commitReveal, hyperparams: { defaulted: ['kappa'] } });
      const input = typedSnapshotInput(metagraphToEpochArrays(m, { block: m.block + 1 }));
      expect(lazyRowsCsr(input, 'weights')).toBeDefined();
      expect(json(input)).toBe(json(metagraphToEpochInput(m)));
    }
  });

  it('hands the replay its arrays while the rows are unbuilt, with the same output bits, and packs to the same blob', () => {
    const m = syntheticMetagraph({ n: 80, seed: 6, commitReveal: true });
    const input = typedSnapshotInput(metagraphToEpochArrays(m));
    const x = typedFormOf(input);
    expect(x).toBeDefined();
    // Packing reads the arrays, not the rows.
    const blob = packInput(input);
    expect(typedFormOf(input)).toBe(x);
    const fromArrays = json(runEpoch(x!));
    expect(input.bonds.length).toBe(80);
    expect(typedFormOf(input)).toBeUndefined();
    expect(json(runEpoch(input))).toBe(fromArrays);
    expect(json(unpackInput(blob))).toBe(json(unpackInput(packInput(metagraphToEpochInput(m)))));
    // An archived input keeps its typed sections too, and they run to the same bits.
    const archived = unpackInput(blob);
    expect(json(runEpoch(typedFormOf(archived)!))).toBe(fromArrays);
    expect(typedFormOf(archived)).toBeDefined();
    expect(json(runEpoch(archived))).toBe(fromArrays);
    expect(typedFormOf(archived)).toBeUndefined();
  });
});
