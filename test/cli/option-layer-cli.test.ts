import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandIo } from '../../src/cli/options.js';
import { parseWeightsProcessOptions, runWeightsProcess } from '../../src/cli/weights-command.js';
import { parseExampleOptions } from '../../src/cli/example-command.js';
import { parseScoreOptions } from '../../src/cli/score-command.js';
import { parseSimulateOptions } from '../../src/cli/simulate-command.js';
import { processAndEmit } from '../../src/scoring/index.js';

// The built CLI in a real process, as an operator runs it (`npm run tsbuild` first).
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-option-layer-'));

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, input: '' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the option layer through the real CLI: a bad value exits 2 with one line naming the option, nothing on stdout', () => {
  const weights = join(dir, 'w.json');
  writeFileSync(weights, JSON.stringify({ uids: [0], weights: [1] }));
  const cases: Array<[string[], RegExp]> = [
    [['example', '--epochs', '0'], /^yumaval: option --epochs: expected an integer from 1 to 1000, got "0"$/],
    [['weights', 'set', '--chain', 'ws://127.0.0.1:1', '--netuid', '70000', '--key', 'k', '--weights', weights], /^yumaval: option --netuid: expected an integer from 0 to 65535, got "70000"$/],
    [['validator', '--chain', 'http://127.0.0.1:1', '--netuid', '1', '--key-env', 'K'], /^yumaval: option --chain: expected a ws:\/\/ or wss:\/\/ URL, got "http:\/\/127\.0\.0\.1:1"$/],
    [['replay', '--archive', join(dir, 'a.db'), '--from', 'x'], /^yumaval: option --from: expected an integer from 0 to 9007199254740991, got "x"$/],
    [['score', '--responses', '-', '--model', 'nope'], /^yumaval: option --model: expected one of shapley-2022, redundancy-aware, got "nope"$/],
    [['simulate', 'copier-lag-1', '--epochs', '0'], /^yumaval: option --epochs: expected an integer from 1 to 100000, got "0"$/],
    [['archive', 'export', join(dir, 'none.db'), '--netuid', '-3'], /^yumaval: option --netuid: expected an integer from 0 to 65535, got "-3"$/],
  ];
  it.each(cases)('%j', (args, pattern) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err.trimEnd()).toMatch(pattern);
  });
});

describe('the older commands in the parse/run/Io shape', () => {
  it('parse checks every option before anything runs', () => {
    expect(parseExampleOptions({})).toEqual({ epochs: 6, mode: 'exact', json: false });
    expect(() => parseExampleOptions({ mode: 'f32' })).toThrow(/^option --mode: expected one of exact, f64/);
    expect(parseScoreOptions({ responses: 'b.json', model: 'redundancy-aware', maxInputMb: '8' })).toMatchObject({ model: 'redundancy-aware', maxInputMib: 8, json: false });
    expect(() => parseSimulateOptions(undefined, {})).toThrow(/^option <scenario>: give a scenario file/);
    expect(parseSimulateOptions(undefined, { list: true })).toMatchObject({ list: true, scenario: null });
  });

  it('run writes the result through the Io given: JSON alone on stdout', async () => {
    const req = { uids: [0, 1, 2], weights: [0.2, 0.5, 0.3], n: 3, minAllowedWeights: 1 };
    const file = join(dir, 'req.json');
    writeFileSync(file, JSON.stringify([req, req]));
    const out: string[] = [];
    const err: string[] = [];
    const io: CommandIo = { stdout: async (t) => void out.push(t), stderr: (t) => void err.push(t), stderrIsTTY: false };
    await runWeightsProcess(parseWeightsProcessOptions({ input: file }), io);
    const want = processAndEmit({ ...req, maxWeightLimit: 1, excludeQuantile: 0 });
    expect(JSON.parse(out.join(''))).toEqual([want, want]);
    expect(err).toEqual([]);
  });
});
