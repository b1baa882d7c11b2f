import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runEpoch, validateEpochInput } from '../../src/index.js';
import type { EpochInput, EpochOutput } from '../../src/index.js';
import { referenceEpoch } from '../../src/yuma/reference/index.js';
import { subnetArb } from './arbitraries.js';
import { firstDifference, readRegressionFixtures } from './diff-helpers.js';

/*
 * Differential property: on random subnets, the wasm exact engine equals the independent BigInt reference bit for
 * bit (every u16 vector, emission string, permit, bond row in order, and every raw bit). All runs are seeded so that
 * CI is reproducible; the seeds and run counts were chosen to keep this file well under a minute on 2 cores
 * (the reference takes ~0.5 s for a dense n = 300 subnet, ~1-4 ms for n ≤ 10).
 */

function both(input: EpochInput): { wasm: EpochOutput; reference: EpochOutput } {
  return { wasm: runEpoch(input, { mode: 'exact' }), reference: referenceEpoch(validateEpochInput(input)) };
}

/**
 * Checks the property with a cheap equality test (a vitest diff at every shrink step would be slow) and, on failure,
 * reports the shrunk counterexample as JSON, the first differing field, and a full diff.
 */
function assertEngineMatchesReference(arb: fc.Arbitrary<EpochInput>, seed: number, numRuns: number): void {
  const details = fc.check(
    fc.property(arb, (input) => {
      const { wasm, reference } = both(input);
      return isDeepStrictEqual(wasm, reference);
    }),
    { seed, numRuns },
  );
  if (!details.failed) {
    expect(details.numRuns).toBe(numRuns);
    return;
  }
  const input = details.counterexample?.[0];
  if (input === undefined) throw new Error(`property errored (seed ${seed}): ${String(details.errorInstance)}`);
  let diff: string;
  try {
    const { wasm, reference } = both(input);
    diff = `first difference (wasm vs reference): ${firstDifference(wasm, reference)}`;
  } catch (err) {
    diff = `an engine threw: ${err instanceof Error ? err.message : String(err)}`;
  }
  const message = [
    `wasm exact != BigInt reference (seed ${seed}, path ${details.counterexamplePath}, after ${details.numShrinks} shrinks)`,
    diff,
    `minimal input: ${JSON.stringify(input)}`,
  ].join('\n');
  console.error(message);
  const { wasm, reference } = both(input);
  expect(wasm, message).toStrictEqual(reference);
}

describe('wasm exact engine equals the BigInt reference on random subnets', () => {
  it('small subnets (n 0..10): every edge case, many runs', () => {
    assertEngineMatchesReference(subnetArb({ minN: 0, maxN: 10 }), 0x5eed_0001, 10_000);
  });

  it('medium subnets (n 11..64)', () => {
    assertEngineMatchesReference(subnetArb({ minN: 11, maxN: 64 }), 0x5eed_0002, 2000);
  });

  it('larger subnets (n 65..150): column uids past 64 and 128', () => {
    assertEngineMatchesReference(subnetArb({ minN: 65, maxN: 150 }), 0x5eed_0004, 200);
  });

  it('large subnets (n 200..300), sparse-leaning rows', () => {
    // Dense rows at n = 300 cost the reference ~0.5 s per epoch, so fewer dense rows and few runs.
    assertEngineMatchesReference(subnetArb({ minN: 200, maxN: 300, denseWeight: 1 }), 0x5eed_0003, 40);
  });

  it('is checked against a generator that really produces the edge cases it claims', () => {
    // Guards the generator: a property that never sees an edge case cannot fail on it.
    const sample = fc.sample(subnetArb({ minN: 1, maxN: 10 }), { seed: 0x5eed_0001, numRuns: 400 });
    const count = (pred: (x: EpochInput) => boolean): number => sample.filter(pred).length;
    const cutoffOf = (x: EpochInput): number =>
      x.activityCutoff ?? Math.max(Math.floor(((x.activityCutoffFactorMilli ?? 13889) * (x.tempo ?? 360)) / 1000), 1);
    const rowUnsorted = (row: Array<[number, number]>): boolean => row.some(([j], k) => k > 0 && j < (row[k - 1] as [number, number])[0]);
    expect(count((x) => x.weights.some(rowUnsorted))).toBeGreaterThan(40);
    expect(count((x) => x.bonds.some(rowUnsorted))).toBeGreaterThan(40);
    expect(count((x) => x.weights.some((row) => row.some(([, v]) => v === 0)))).toBeGreaterThan(40);
    expect(count((x) => x.weights.some((row, i) => row.some(([j]) => j === i)))).toBeGreaterThan(40);
    expect(count((x) => x.weights.some((row, i) => row.length > 0 && !x.validatorPermit[i]))).toBeGreaterThan(40);
    // the activity boundary: lastUpdate + cutoff == block - 1 (inactive) and == block (active)
    expect(count((x) => x.lastUpdate.some((u) => u + cutoffOf(x) === x.block - 1))).toBeGreaterThan(20);
    expect(count((x) => x.lastUpdate.some((u) => u + cutoffOf(x) === x.block))).toBeGreaterThan(20);
    expect(count((x) => x.lastUpdate.some((u) => x.blockAtRegistration.includes(u)))).toBeGreaterThan(40);
    // the bonds mask at its boundary: a registration exactly at the last tempo (masked) and just before it (kept)
    const lastTempo = (x: EpochInput): number =>
      (x.lastMechanismStepBlock ?? 0) === 0 ? Math.max(x.block - (x.tempo ?? 360), 0) : (x.lastMechanismStepBlock as number) + 1;
    expect(count((x) => x.blockAtRegistration.includes(lastTempo(x)))).toBeGreaterThan(40);
    expect(count((x) => x.blockAtRegistration.includes(lastTempo(x) - 1))).toBeGreaterThan(40);
    expect(count((x) => (x.lastMechanismStepBlock ?? 0) > 0)).toBeGreaterThan(40);
    expect(count((x) => x.block > 2 ** 32)).toBeGreaterThan(40);
    const big = (s: unknown): boolean => typeof s === 'string' && BigInt(s) >= 1n << 63n;
    expect(count((x) => x.stake.filter(big).length >= 2)).toBeGreaterThan(10);
    expect(count((x) => x.stake.some((s) => typeof s === 'string' && BigInt(s) > 2n ** 53n))).toBeGreaterThan(40);
    expect(count((x) => new Set(x.stake.map(String).filter((s) => s !== '0')).size < x.stake.filter((s) => String(s) !== '0').length)).toBeGreaterThan(20);
    expect(count((x) => typeof x.ownerUid === 'number' && x.weights[x.ownerUid]!.some(([j]) => j === x.ownerUid))).toBeGreaterThan(20);
    expect(count((x) => x.ownerUid === null)).toBeGreaterThan(20);
    expect(count((x) => x.stakeThreshold !== undefined && x.stake.some((s) => String(s) === String(x.stakeThreshold)))).toBeGreaterThan(10);
    expect(count((x) => (x.maxAllowedValidators ?? 64) < x.n)).toBeGreaterThan(20);
    expect(count((x) => x.commitRevealEnabled === true && x.commitBlock !== undefined)).toBeGreaterThan(20);
    for (const k of [0, 1, 32767, 65535]) expect(count((x) => x.kappa === k)).toBeGreaterThan(3);
    for (const bp of [0, 1, 32768, 65534, 65535]) expect(count((x) => x.bondsPenalty === bp)).toBeGreaterThan(3);
    for (const bma of [0, 1, 500000, 900000, 975000, 999999, 1000000]) expect(count((x) => x.bondsMovingAverage === bma)).toBeGreaterThan(2);
    for (const st of [-32768, 0, 1000, 32767]) expect(count((x) => x.alphaSigmoidSteepness === st)).toBeGreaterThan(2);
    expect(count((x) => x.alphaLow !== undefined && x.alphaLow > x.alphaHigh!)).toBeGreaterThan(10);
    expect(count((x) => x.alphaLow !== undefined && x.alphaLow === x.alphaHigh)).toBeGreaterThan(10);
    expect(count((x) => x.raoEmission === '18446744073709551615')).toBeGreaterThan(5);
    expect(count((x) => x.raoEmission === 0)).toBeGreaterThan(5);
    expect(count((x) => x.yuma3 === true && x.liquidAlpha === true)).toBeGreaterThan(40);
    expect(count((x) => x.bonds.some((row, i) => row.length > 0 && !x.validatorPermit[i]))).toBeGreaterThan(40);
  });
});

/*
 * Minimal counterexamples of the property, recorded as { name, diagnosis, input } JSON files in
 * test/fixtures/regressions/ (none at the time of writing): each runs on every CI run, failing until fixed.
 */
const regressions = readRegressionFixtures();
// Declared only when there is a fixture: vitest refuses an empty suite.
if (regressions.length > 0) {
  describe('recorded regressions (test/fixtures/regressions/)', () => {
    for (const { file, fixture } of regressions) {
      it(`${file}: ${fixture.name}`, () => {
        const { wasm, reference } = both(fixture.input);
        expect(wasm, `${fixture.diagnosis}\nfirst difference: ${firstDifference(wasm, reference)}`).toStrictEqual(reference);
      });
    }
  });
}
