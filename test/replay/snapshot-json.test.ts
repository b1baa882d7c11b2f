import { describe, expect, it } from 'vitest';
import { InvalidInputError, InvalidJsonError } from '../../src/errors/index.js';
import { parseSnapshotLine, snapshotLine, UNKNOWN_GENESIS } from '../../src/replay/index.js';
import type { Snapshot } from '../../src/replay/index.js';

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const GENESIS = `0x${'ab'.repeat(32)}`;

function good(): Snapshot {
  return {
    netuid: 3, block: 100,
    input: { n: 2, block: 100, stake: ['1000', 5], lastUpdate: [90, 0], blockAtRegistration: [0, 0], validatorPermit: [true, false], weights: [[[1, 65535]], []], bonds: [[[1, 7]], []], kappa: 32767 },
    output: { incentive: [0, 65535], emission: ['0', '1000000000'], bonds: [[[1, 65535]], []], active: [true, false] },
    hotkeys: [ALICE, BOB], coldkeys: [ALICE, ''],
  };
}

const errorOf = (text: string): string => {
  try {
    parseSnapshotLine(text, 7);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('the JSON Lines interchange', () => {
  it('round-trips a line, and takes the genesis of lines without one from the caller', () => {
    const line = snapshotLine(GENESIS, good());
    expect(parseSnapshotLine(line, 1)).toEqual({ genesis: GENESIS, snapshot: good() });
    const { genesis: _g, ...bare } = JSON.parse(line) as Record<string, unknown>;
    expect(parseSnapshotLine(JSON.stringify(bare), 1).genesis).toBe(UNKNOWN_GENESIS);
    expect(parseSnapshotLine(JSON.stringify(bare), 1, GENESIS).genesis).toBe(GENESIS);
    expect(parseSnapshotLine(JSON.stringify({ ...bare, output: null }), 1).snapshot.output).toBeNull();
  });

  it('names the line and the field of every error, as `yumaval epoch` names them', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test edits arbitrary JSON paths
    type Json = any;
    const with_ = (f: (o: Json) => void): string => { const o = JSON.parse(JSON.stringify(good())) as Json; f(o); return JSON.stringify(o); };
    expect(errorOf(with_((o) => { o.input.stake[1] = -1; }))).toMatch(/^line 7: input\.stake\[1\]: /);
    expect(errorOf(with_((o) => { o.input.weights[0][0][0] = 5; }))).toMatch(/^line 7: input\.weights\[0\]\[0\]\[0\]: /);
    expect(errorOf(with_((o) => { o.input.block = 99; }))).toBe('line 7: input.block: expected the epoch block 100 (the line\'s block), got 99');
    expect(errorOf(with_((o) => { o.output.bonds[0][0][0] = 2; }))).toMatch(/^line 7: output\.bonds\[0\]\[0\]\[0\]: /);
    expect(errorOf(with_((o) => { o.output.incentive[1] = 65536; }))).toMatch(/^line 7: output\.incentive\[1\]: /);
    expect(errorOf(with_((o) => { o.output.emission = ['1']; }))).toBe('line 7: output.emission: expected 2 rao amounts (input.n), got 1');
    expect(errorOf(with_((o) => { o.output.rank = [0, 0]; }))).toMatch(/^line 7: output\.rank: unknown field \(valid: /);
    expect(errorOf(with_((o) => { o.hotkeys[1] = 'not-an-address'; }))).toMatch(/^line 7: hotkeys\[1\]: "not-an-address" is not a valid SS58 address/);
    expect(errorOf(with_((o) => { delete o.coldkeys; }))).toBe('line 7: coldkeys: is required');
    expect(errorOf(with_((o) => { o.genesis = 'abc'; }))).toMatch(/^line 7: genesis: /);
    expect(errorOf('[1]')).toMatch(/^line 7: expected a snapshot object/);
    expect(() => parseSnapshotLine('{"netuid": 1,', 4)).toThrow(InvalidJsonError);
    expect(() => parseSnapshotLine('{"netuid": 1,', 4)).toThrow(/^line 4: not valid JSON/);
  });
});
