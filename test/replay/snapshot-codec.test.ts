import { describe, expect, it } from 'vitest';
import { packInput, packOutput, unpackInput, unpackOutput } from '../../src/replay/snapshot-codec.js';
import { pack, unpack } from '../../src/replay/pack.js';
import type { EpochInput } from '../../src/yuma/index.js';
import { syntheticSubnet } from '../../src/yuma/index.js';

describe('the archive blobs', () => {
  it('pack and unpack typed arrays and a header exactly', () => {
    const sections = {
      a: Uint8Array.from([1, 2, 3]), b: Uint16Array.from([65535, 0, 7]), c: Uint32Array.from([4294967295]),
      d: Float64Array.from([2 ** 53 - 1, -1]), e: BigUint64Array.from([2n ** 64n - 1n, 0n]),
    };
    const got = unpack(pack({ x: 'é', y: [1, null] }, sections));
    expect(got.header).toEqual({ x: 'é', y: [1, null] });
    for (const [k, v] of Object.entries(sections)) expect(Array.from(got.sections[k]! as ArrayLike<unknown>)).toEqual(Array.from(v as ArrayLike<unknown>));
  });

  it('give back an EpochInput field for field: stakes past 2^53, unsorted rows with zeros, null commit blocks, absent fields absent', () => {
    const input: EpochInput = {
      ...syntheticSubnet({ n: 40, validators: 6, seed: 3, yuma3: true, liquidAlpha: true }),
      commitRevealEnabled: true,
    };
    input.stake[0] = '18446744073709551615';
    input.weights[1] = [[9, 0], [3, 65535], [0, 12]];
    input.commitBlock = input.stake.map((_, i) => (i % 3 === 0 ? null : 1000 + i));
    input.lastUpdate[2] = 2 ** 53 - 1;
    const back = unpackInput(packInput(input));
    expect(back).toEqual({ ...input, stake: input.stake.map(String) });
    const bare = { n: 2, block: 5, stake: [1, '2'], lastUpdate: [0, 0], blockAtRegistration: [0, 0], validatorPermit: [true, false], weights: [[], []], bonds: [[], []] } as EpochInput;
    const bareBack = unpackInput(packInput(bare));
    expect(bareBack).toEqual({ ...bare, stake: ['1', '2'] });
    expect('commitBlock' in bareBack).toBe(false);
  });

  it('give back a stored output, and only the fields it had', () => {
    const out = { incentive: [0, 65535, 3], emission: ['0', '18446744073709551615', '5'], active: [true, false, true], bonds: [[[2, 0], [0, 9]], [], []] as Array<Array<[number, number]>> };
    expect(unpackOutput(packOutput(out))).toEqual(out);
  });
});

describe('stored bonds compared from the archive form', () => {
  it('give the same differences as the rows, and become plain rows once read', async () => {
    const { diffEpoch, storedBondsAfter } = await import('../../src/replay/index.js');
    const { runEpoch } = await import('../../src/yuma/index.js');
    const { storedBondsCsr } = await import('../../src/replay/snapshot-codec.js');
    const input = syntheticSubnet({ n: 30, validators: 5, seed: 8 });
    const out = runEpoch(input, { mode: 'exact' });
    const rows = storedBondsAfter(input, out);
    const changed = rows.map((r) => r.map(([j, v]): [number, number] => [j, v]));
    changed[1] = changed[1]!.slice(1);
    changed[3]![0] = [changed[3]![0]![0], (changed[3]![0]![1] + 1) % 65536];
    expect(diffEpoch(input, { bonds: changed }, out).map((d) => [d.field, d.uids, d.firstUid])).toEqual([['bonds', 2, 1]]);
    for (const bonds of [rows, changed]) {
      const archived = unpackOutput(packOutput({ bonds }));
      expect(storedBondsCsr(archived)).not.toBeNull();
      const fromCsr = diffEpoch(input, archived, out);
      expect(storedBondsCsr(archived)).not.toBeNull(); // the comparison built no rows
      expect(fromCsr).toEqual(diffEpoch(input, { bonds }, out));
    }
    const archived = unpackOutput(packOutput({ bonds: changed }));
    expect(archived.bonds).toEqual(changed);
    expect(storedBondsCsr(archived)).toBeNull();
    // Rows edited after reading are what is compared from then on.
    archived.bonds![1] = rows[1]!;
    archived.bonds![3] = rows[3]!;
    expect(diffEpoch(input, archived, out)).toEqual([]);
    expect(JSON.parse(JSON.stringify(unpackOutput(packOutput({ bonds: changed }))))).toEqual({ bonds: changed });
  });
});
