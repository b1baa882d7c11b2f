import { describe, expect, it } from 'vitest';
import { parseReplayOptions, replayTable } from '../../src/cli/replay-command.js';
import type { ReplayReport } from '../../src/replay/index.js';

describe('yumaval replay options', () => {
  it('checks each option and names it', () => {
    expect(parseReplayOptions({ chain: 'ws://127.0.0.1:9944', netuid: '3', from: '10', to: '20', json: true })).toEqual({
      chain: 'ws://127.0.0.1:9944', netuid: 3, from: 10, to: 20, archive: null, genesis: null, json: true, out: null, pretty: false,
    });
    expect(parseReplayOptions({ archive: 'a.db' })).toMatchObject({ chain: null, netuid: null, archive: 'a.db' });
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [{}, /^option --chain: give --chain URL \(online\), --archive FILE \(offline\), or both/],
      [{ chain: 'http://x' }, /^option --chain: expected a ws:\/\//],
      [{ chain: 'ws://x' }, /^option --netuid: is required with --chain/],
      [{ chain: 'ws://x', netuid: '70000' }, /^option --netuid: /],
      [{ archive: 'a.db', from: '-1' }, /^option --from: /],
      [{ archive: 'a.db', from: '9', to: '3' }, /^option --from: the range is empty/],
      [{ archive: 'a.db', genesis: '0xAB' }, /^option --genesis: /],
    ];
    for (const [raw, message] of bad) expect(() => parseReplayOptions(raw)).toThrow(message);
  });
});

describe('the replay table', () => {
  it('prints a summary, then one row per differing field and the diagnoses', () => {
    const report: ReplayReport = {
      netuid: 1, from: 1, to: 100, summary: { epochs: 3, matched: 2 },
      epochs: [
        { block: 10, match: true, fields: [], diagnosis: null },
        { block: 20, match: false, diagnosis: 'kappa: ...', fields: [{ field: 'incentive', uids: 2, firstUid: 4, expected: 7, got: 6, sample: [] }] },
        { block: 30, match: true, fields: [], diagnosis: null },
      ],
    };
    const text = replayTable(report);
    const lines = text.split('\n');
    expect(lines[0]).toBe('subnet 1, blocks 1-100: 2 of 3 epochs match, field for field');
    expect(text).toMatch(/\n\s*20\s+incentive\s+2\s+4\s+7\s+6\n/);
    expect(lines[lines.length - 1]).toBe('block 20: kappa: ...');
    expect(replayTable({ ...report, epochs: [report.epochs[0]!], summary: { epochs: 1, matched: 1 } })).toBe('subnet 1, blocks 1-100: 1 of 1 epochs match, field for field');
  });
});
