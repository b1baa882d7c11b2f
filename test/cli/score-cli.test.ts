import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScoreRequest, scoreReference } from '../../src/index.js';

// Run as outside checks run it: `node <package.json bin.yumaval>` (built by `npm test`).
const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);
const dir = mkdtempSync(join(tmpdir(), 'yumaval-score-'));

function cli(args: string[], input?: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const batch = {
  targets: [0, 1, 2], vocab: 4,
  responses: [
    { uid: 0, dense: [[0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1]] },
    { uid: 3, topk: [[[0, 0.4]], [[1, 0.4], [2, 0.2]], [[3, 0.9]]], floor: [0.2, 0.2, 0.03] },
    { uid: 5, dense: [[null, 1, 1, 1], [0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]] },
    { uid: 7, error: 'timeout' },
  ],
  params: { lossFloor: 0.3 },
};

function expectInputError(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

describe('yumaval score', () => {
  it('--json gives the contract\'s fields, with the reference\'s numbers, nulls for the silent miner, and the weights to emit', () => {
    const r = cli(['score', '--responses', file('batch.json', batch), '--json']);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    for (const key of ['uids', 'loss', 'baseParams', 'synergy', 'shapley', 'weights']) expect(doc).toHaveProperty(key);
    expect(doc.uids).toEqual([0, 3, 5, 7]);
    const ref = (() => { const { batch: b, params } = parseScoreRequest(batch); return scoreReference(b, params); })();
    const loss = doc.loss as Array<number | null>;
    expect(loss[3]).toBeNull();
    for (let k = 0; k < 3; k++) expect(Math.abs((loss[k] as number) - (ref.loss[k] as number))).toBeLessThan(1e-12);
    const synergy = doc.synergy as number[][];
    expect(synergy).toHaveLength(4);
    for (const row of synergy) expect(row).toHaveLength(4);
    (doc.shapley as number[]).forEach((s, k) => expect(Math.abs(s - (ref.shapley[k] as number))).toBeLessThanOrEqual(1e-9 * Math.abs(ref.shapley[k] as number)));
    // The best miner gets 65535; the silent one nothing; uids only among those scored.
    const weights = doc.weights as { uids: number[]; values: number[] };
    expect(weights.values[weights.uids.indexOf(0)]).toBe(65535);
    expect(weights.uids).not.toContain(7);
  });

  it('prints a table by Shapley value without --json, and reads stdin with -', () => {
    const r = cli(['score', '--responses', '-'], JSON.stringify(batch));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/3 queries, 4 miners \(1 unresponsive\), vocab 4/);
    const lines = r.out.split('\n');
    const first = lines.findIndex((l) => /^-+ /.test(l)) + 1;
    expect(lines[first]).toMatch(/^\s*0\s/);
    expect(r.out).toMatch(/weights to emit/);
  });

  it('refuses malformed batches with one line naming the place; hostile content is not an error', () => {
    expectInputError(cli(['score', '--responses', file('t.json', { ...batch, targets: [0, 1, 9] }), '--json']), /targets\[2\]/);
    expectInputError(cli(['score', '--responses', file('u.json', { ...batch, responses: [batch.responses[0], { ...batch.responses[0] }] }), '--json']), /responses\[1\]\.uid/);
    expectInputError(cli(['score', '--responses', file('v.json', { targets: [0] }), '--json']), /vocab/);
    expectInputError(cli(['score', '--responses', file('p.json', { ...batch, params: { scalingLawPower: -1 } }), '--json']), /params\.scalingLawPower/);
    expectInputError(cli(['score', '--responses', file('bad.json', '{"targets": [0,'), '--json']), /not valid JSON/);
    const hostile = cli(['score', '--responses', file('h.json', { targets: [0], vocab: 2, responses: [{ uid: 0, dense: [['x', -1]] }, { uid: 1, topk: [[[5, 0.5], 'no']], floor: [null] }] }), '--json']);
    expect(hostile.code, hostile.err).toBe(0);
    expect((JSON.parse(hostile.out) as { loss: number[] }).loss).toEqual([20, 20]);
  });

  it('--model redundancy-aware shares a copied answer\'s value, and the flag overrides params.model', () => {
    const copied = { ...batch, responses: [...batch.responses, { ...batch.responses[0], uid: 9 }] };
    const run = (args: string[], input: unknown): { shapley: number[]; multiplicity: number[]; copies: number[] } => {
      const r = cli(['score', '--responses', file('m.json', input), '--json', ...args]);
      expect(r.code, r.err).toBe(0);
      return JSON.parse(r.out) as { shapley: number[]; multiplicity: number[]; copies: number[] };
    };
    const old = run([], copied);
    const aware = run(['--model', 'redundancy-aware'], copied);
    const ref = scoreReference(parseScoreRequest(copied).batch, { ...parseScoreRequest(copied).params, model: 'redundancy-aware' });
    aware.shapley.forEach((s, k) => expect(Math.abs(s - (ref.shapley[k] as number))).toBeLessThanOrEqual(1e-9 * Math.abs(ref.shapley[k] as number)));
    // uid 0 and its copy uid 9 share: each half of what each earns under the 2022 model.
    expect(aware.multiplicity[0]).toBe(2);
    expect(aware.copies[0]).toBe(2);
    expect(aware.copies[4]).toBe(2);
    expect(aware.shapley[4]).toBeCloseTo((old.shapley[4] as number) / 2, 9);
    expect(old.multiplicity).toEqual([1, 1, 1, 1, 1]);
    expect(run(['--model', 'shapley-2022'], { ...copied, params: { ...copied.params, model: 'redundancy-aware' } }).shapley).toEqual(old.shapley);
    expectInputError(cli(['score', '--responses', file('m.json', copied), '--model', 'sybil-proof']), /--model: expected one of shapley-2022, redundancy-aware/);
  });

  it('has --help', () => {
    const r = cli(['score', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--responses/);
    expect(r.out).toMatch(/docs\/scoring\.md/);
  });
});
