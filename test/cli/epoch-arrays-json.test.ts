// `metagraph --epoch-input` writes the EpochInput JSON from the typed-array form: byte for byte the text that
// JSON.stringify gives for metagraphToEpochInput's EpochInput (compact and indented), which `yumaval epoch` reads.
import { describe, expect, it } from 'vitest';
import { metagraphToEpochArrays, metagraphToEpochInput } from '../../src/chain/index.js';
import type { Metagraph } from '../../src/chain/index.js';
import { toJsonText } from '../../src/cli/chain-options.js';
import { epochArraysJson } from '../../src/cli/epoch-arrays-json.js';
import { syntheticMetagraph } from '../chain/metagraph-fixture.js';

const metagraph = (n: number, seed: number, commitReveal: boolean, defaulted: string[]): Metagraph =>
  syntheticMetagraph({ n, seed, weightsPerValidator: seed % 2 === 0 ? undefined : Math.min(n, 9), commitReveal, hyperparams: { defaulted } });

describe('epochArraysJson', () => {
  it('writes the text JSON.stringify gives for the same EpochInput, compact and indented', () => {
    const cases: Array<[number, number, boolean, string[]]> = [[40, 1, false, []], [64, 2, true, ['yuma3']], [1, 3, true, []], [0, 4, false, ['kappa', 'tempo']]];
    for (const [n, seed, commitReveal, defaulted] of cases) {
      for (const pretty of [false, true]) {
        const expected = toJsonText(metagraphToEpochInput(metagraph(n, seed, commitReveal, defaulted)), pretty);
        const got = epochArraysJson(metagraphToEpochArrays(metagraph(n, seed, commitReveal, defaulted)), pretty);
        expect(got === expected, `n=${n} seed=${seed} pretty=${pretty}`).toBe(true);
      }
    }
  });

  it('keeps a null commit block as null and a live one as its block', () => {
    const m = metagraph(40, 2, true, []);
    const input = JSON.parse(epochArraysJson(metagraphToEpochArrays(m), false)) as { commitBlock: Array<number | null> };
    expect(input.commitBlock.filter((b) => b !== null).length).toBeGreaterThan(0);
    expect(input.commitBlock.filter((b) => b === null).length).toBeGreaterThan(0);
  });
});
