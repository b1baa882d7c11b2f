// A prepared epoch that runs again right after itself is not copied into the engine again: its arrays are still in
// the heap, because the engine only reads its inputs. These tests run each input twice in a row (the second run reads
// the resident copy) and interleaved with others, and check that every run gives the first run's output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareEpoch, runEpoch } from '../../src/index.js';
import type { EpochInput, EpochMode } from '../../src/index.js';
import { syntheticSubnet } from '../../src/yuma/synthetic.js';
import { subnetArb } from './arbitraries.js';

const json = (x: unknown): string => JSON.stringify(x);

describe('prepared epochs resident in the engine', () => {
  it('a second run in place gives the first run\'s output, on random subnets with every feature, both modes', () => {
    const inputs = fc.sample(subnetArb({ minN: 0, maxN: 64 }), { seed: 0x5e51_0001, numRuns: 300 });
    for (const [k, input] of inputs.entries()) {
      const prepared = prepareEpoch(input);
      for (const mode of ['exact', 'f64'] as EpochMode[]) {
        const first = json(runEpoch(prepared, { mode }));
        expect(json(runEpoch(prepared, { mode })), `input ${k} ${mode}`).toBe(first);
      }
    }
  });

  it('modes and subnets interleaved give the outputs of fresh runs', () => {
    const inputs: EpochInput[] = [
      syntheticSubnet({ n: 300, validators: 40, seed: 41 }),
      syntheticSubnet({ n: 300, validators: 40, seed: 42, yuma3: true, liquidAlpha: true }),
      syntheticSubnet({ n: 1024, validators: 128, seed: 43 }),
    ];
    const fresh = inputs.map((input) => ({ exact: json(runEpoch(input)), f64: json(runEpoch(input, { mode: 'f64' })) }));
    const prepared = inputs.map((input) => prepareEpoch(input));
    const order: Array<[number, EpochMode]> = [[0, 'exact'], [0, 'f64'], [0, 'exact'], [1, 'f64'], [1, 'f64'], [0, 'f64'], [2, 'exact'], [2, 'f64'], [2, 'exact'], [1, 'exact']];
    for (const [k, mode] of order) {
      expect(json(runEpoch(prepared[k]!, { mode })), `subnet ${k} ${mode}`).toBe(fresh[k]![mode]);
    }
  });
});
