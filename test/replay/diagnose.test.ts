import { describe, expect, it } from 'vitest';
import { diffEpoch, replaySnapshot, storedBondsAfter } from '../../src/replay/index.js';
import type { Snapshot, StoredOutput } from '../../src/replay/index.js';
import { runEpoch, syntheticSubnet } from '../../src/yuma/index.js';
import type { EpochInput, EpochOutput } from '../../src/yuma/index.js';

/*
 * The comparison and the diagnoses on synthetic epochs whose "chain" results are made by hand from an independent
 * run (another emission, a stake split, frozen outputs, one changed bond), so each expected verdict is known.
 */

const run = (input: EpochInput): EpochOutput => ({ ...runEpoch(input, { mode: 'exact' }) });

/** What a spec-233 chain stores after running `input` (bonds: computed rows for new permits, the rest as stored). */
function stored(input: EpochInput, out: EpochOutput = run(input)): StoredOutput {
  const { active, validatorPermit, consensus, incentive, dividends, validatorTrust, stakeWeight, emission } = out;
  return { active, validatorPermit, consensus, incentive, dividends, validatorTrust, stakeWeight, emission, bonds: storedBondsAfter(input, out) };
}

function snap(input: EpochInput, output: StoredOutput, unread: string[] = []): Snapshot {
  return { netuid: 1, block: input.block, input, output, hotkeys: [], coldkeys: [], unread };
}

const base = (): EpochInput => ({ ...syntheticSubnet({ n: 24, validators: 5, seed: 11 }), lastMechanismStepBlock: 9_640 });

describe('replaySnapshot', () => {
  it('matches what the same engine stored, and keeps untouched bonds rows as they were', () => {
    const input = base();
    const r = replaySnapshot(snap(input, stored(input)), null, new Map());
    expect(r).toEqual({ block: input.block, match: true, fields: [], diagnosis: null });
    // A uid without an old or a new permit keeps its stored row; one that lost its permit is emptied.
    const out = run(input);
    const after = storedBondsAfter(input, out);
    out.validatorPermit.forEach((p, uid) => {
      if (p) expect(after[uid]).toEqual(out.bonds[uid]);
      else if (input.validatorPermit[uid]) expect(after[uid]).toEqual([]);
      else expect(after[uid]).toEqual(input.bonds[uid]);
    });
  });

  it('reports an input the engine refuses as that epoch\'s result, naming the field', () => {
    const input = base();
    const r = replaySnapshot(snap(input, stored(input)), null, new Map(), { kappa: 70000 });
    expect(r).toEqual({ block: input.block, match: false, fields: [], diagnosis: expect.stringMatching(/^the engine refuses this epoch's input: kappa: /) as unknown });
  });

  it('reports a field with the number of uids, the first uid, and the stored and computed values', () => {
    const input = base();
    const s = stored(input);
    s.dividends = s.dividends!.map((v, uid) => (uid === 3 || uid === 4 ? v + 2 : v));
    const out = run(input);
    expect(diffEpoch(input, s, out)).toEqual([{
      field: 'dividends', uids: 2, firstUid: 3, expected: out.dividends[3]! + 2, got: out.dividends[3],
      sample: [{ uid: 3, expected: out.dividends[3]! + 2, got: out.dividends[3] }, { uid: 4, expected: out.dividends[4]! + 2, got: out.dividends[4] }],
    }]);
  });

  it('solves for raoEmission when only the emission differs, and the solution reproduces it', () => {
    const input = base();
    const chain = stored({ ...input, raoEmission: '987654321' });
    const r = replaySnapshot(snap(input, chain, ['raoEmission']), null, new Map());
    expect(r.fields.map((f) => f.field)).toEqual(['emission']);
    const m = /^raoEmission: the stored emission is exactly Yuma's split of (\d+) rao \(which the chain does not store\)/.exec(r.diagnosis ?? '');
    expect(m).not.toBeNull();
    const e = BigInt(m![1]!);
    expect(run({ ...input, raoEmission: e.toString() }).emission).toEqual(chain.emission);
    // The least E of an interval that contains the true value.
    expect(e <= 987654321n && e > 987654321n - 10n).toBe(true);
  });

  it('says the runtime does not run Yuma when the stored results are a split by stake', () => {
    const input = base();
    const s = stored(input);
    const split = run(input).stakeWeight;
    s.incentive = [...split];
    s.dividends = [...split];
    expect(replaySnapshot(snap(input, s), null, new Map()).diagnosis).toBe('does not run Yuma: the stored incentive and dividends are a split by stake (each uid\'s stake share, to 1/65535), whatever the weights');
  });

  it('says the runtime does not run Yuma when the weights changed but the stored results did not move', () => {
    const first = base();
    const prev = snap(first, stored(first));
    const second: EpochInput = { ...first, block: first.block + 361, weights: first.weights.map((row) => row.map(([u, w]): [number, number] => [u, 65535 - w])) };
    const r = replaySnapshot(snap(second, { ...prev.output! }), prev, new Map());
    expect(r.match).toBe(false);
    expect(r.diagnosis).toBe(`does not run Yuma: the weights changed since the epoch of block ${first.block}, but the stored incentive, dividends, consensus did not move`);
  });

  it('recognises permits given to uids without stake (the rule before 2025-05-13)', () => {
    const input = base();
    input.stake = input.stake.map((x, uid) => (uid >= 20 ? '0' : x));
    const s = stored(input);
    s.validatorPermit = s.validatorPermit!.map((p, uid) => p || uid >= 20);
    expect(replaySnapshot(snap(input, s), null, new Map()).diagnosis).toBe('validatorPermit: the chain gave permits to uids without stake (uid 20, 21, 22, 23), as runtimes before subtensor 2ecebb19 (2025-05-13) did; this engine follows the later rule');
  });

  it('confines a bonds difference to a uid registered since the last epoch', () => {
    const input = base();
    const fresh = 20;
    input.blockAtRegistration[fresh] = input.lastMechanismStepBlock! + 5;
    const s = stored(input);
    const row = s.bonds!.findIndex((r) => r.some(([j]) => j === fresh) && r.length > 1);
    expect(row).toBeGreaterThanOrEqual(0);
    s.bonds![row] = s.bonds![row]!.map(([j, v]): [number, number] => [j, j === fresh ? v + 1 : v]);
    const r = replaySnapshot(snap(input, s), null, new Map());
    expect(r.fields.map((f) => [f.field, f.uids, f.firstUid])).toEqual([['bonds', 1, row]]);
    expect(r.diagnosis).toBe(`the difference is confined to the bonds of uids registered since the last epoch (block ${input.lastMechanismStepBlock}): uid ${fresh}`);
  });

  it('names the parameters it could not read when nothing else explains a difference', () => {
    const input = base();
    const s = stored(input);
    s.consensus = s.consensus!.map((v) => (v + 7) % 65536);
    const r = replaySnapshot(snap(input, s, ['alphaSigmoidSteepness', 'yuma3']), null, new Map());
    expect(r.diagnosis).toBe("could not read alphaSigmoidSteepness, yuma3 (the contract's defaults were used); the difference may come from them");
    expect(replaySnapshot(snap(input, s), null, new Map()).diagnosis).toBeNull();
  });

  it('finds a changed bonds moving average from the values other epochs used', () => {
    const input = base();
    const chain = stored({ ...input, bondsMovingAverage: 700_000 });
    const seen = new Map<string, unknown[]>([['bondsMovingAverage', [700_000]]]);
    const r = replaySnapshot(snap(input, chain), null, seen);
    expect(r.match).toBe(false);
    expect(r.diagnosis).toMatch(/^bondsMovingAverage: the stored results are exactly those of bondsMovingAverage = 700000, not the 900000 read at block/);
  });
});
