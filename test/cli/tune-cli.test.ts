import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The built CLI, run as users run it (dist/cli.js, built by `npm test`).
const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'yumaval-tune-cli-'));

function cli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function file(name: string, content: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(content));
  return p;
}

function expectInputError(r: { code: number | null; out: string; err: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.err).toMatch(pattern);
}

const space = { params: { kappa: { values: [16384, 32767] }, bondsPenalty: { values: [0, 65535] } }, fixed: { yuma3: true }, copier: { stake: 'median', lag: 1 } };

describe('yumaval tune', () => {
  it('--json prints { sweep, ran, trials sorted by id, front } alone; --out writes the report and resumes', () => {
    const out = join(dir, 'out');
    const args = ['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--objectives', 'copierGain,honestDividends', '--workers', '0', '--json', '--out', out];
    const r = cli(args);
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out) as { sweep: string; ran: number; trials: Array<{ id: string; params: Record<string, unknown>; objectives: Record<string, number | null> }>; front: string[] };
    expect(got.sweep).toMatch(/^sw-[0-9a-f]{16}$/);
    expect(got.ran).toBe(4);
    expect(got.trials.map((t) => t.id)).toEqual(['g0', 'g1', 'g2', 'g3']);
    expect(got.trials[1]!.params).toEqual({ kappa: 16384, bondsPenalty: 65535 });
    expect(Object.keys(got.trials[0]!.objectives)).toEqual(['copierGain', 'honestDividends']);
    expect(got.front.length).toBeGreaterThan(0);
    for (const id of got.front) expect(got.trials.map((t) => t.id)).toContain(id);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(4);
    const again = cli(args);
    expect(again.code, again.err).toBe(0);
    const second = JSON.parse(again.out) as typeof got;
    expect(second.ran).toBe(0);
    expect(second.trials).toEqual(got.trials);
  });

  it('without --json prints the table of the best trials and the front', () => {
    const r = cli(['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--workers', '0']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^Sweep sw-[0-9a-f]{16}: 4 trials, 4 run now/);
    expect(r.out).toMatch(/copierGain \(min\)/);
  });

  it('refuses bad input with exit 2 and one line naming the place', () => {
    expectInputError(cli(['tune', '--space', file('bad.json', { params: { kapa: { values: [1] } } }), '--scenario', 'kappa-moves-first']), /params\.kapa: is not a tunable parameter \(expected one of kappa, bondsPenalty/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--objectives', 'gain']), /option --objectives: "gain" is not an objective/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--objectives', 'rankCorrelation']), /"rankCorrelation" measures scoring, but the space sweeps consensus parameters/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--scenario', 'no-such-scenario']), /option --scenario: "no-such-scenario" is neither/);
    expectInputError(cli(['tune', '--space', file('space.json', space)]), /option --scenario: a consensus sweep needs at least one source/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--archive', join(dir, 'missing.db'), '--netuid', '1']), /cannot read .*missing\.db: no such file/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--archive', file('notes.txt', 'hello'), '--netuid', '1']), /option --archive: .*notes\.txt is not a replay archive/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--netuid', '1']), /option --netuid: applies to --archive only/);
    expectInputError(cli(['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--queue', 'http://x']), /option --queue: expected a redis:\/\/ or rediss:\/\/ URL/);
    expectInputError(cli(['tune', '--space', file('nc.json', { params: { kappa: { values: [1] } }, newcomer: { uid: 99, at: 3 } }), '--scenario', 'kappa-moves-first']), /kappa-moves-first: epochs\[3\]\.register\[0\]: expected an integer in 0\.\.4, got 99/);
    expectInputError(cli(['tune', '--space', join(dir, 'missing.json'), '--scenario', 'kappa-moves-first']), /cannot read .*missing\.json/);
  });

  it('--archive: tunes on recorded history (a simulated history in the archive\'s JSON Lines form) and names a missing subnet', () => {
    const sim = join(dir, 'sim');
    const made = cli(['simulate', 'kappa-moves-first', '--out', sim, '--json']);
    expect(made.code, made.err).toBe(0);
    const history = join(sim, 'yuma3.history.jsonl');
    expect(existsSync(history)).toBe(true);
    const r = cli(['tune', '--space', file('archive-space.json', { params: { kappa: { values: [16384, 32767] } } }), '--archive', history, '--objectives', 'incentiveInstability,honestDividends', '--workers', '0', '--json']);
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out) as { ran: number; trials: Array<{ objectives: Record<string, number | null> }> };
    expect(got.ran).toBe(2);
    for (const t of got.trials) expect(t.objectives.incentiveInstability).toBeGreaterThanOrEqual(0);
    expectInputError(cli(['tune', '--space', file('archive-space.json', { params: { kappa: { values: [16384] } } }), '--archive', history, '--netuid', '3']), /option --netuid: .* holds no snapshot of subnet 3/);
    // --from/--to choose the epochs: a range of the first ones runs; an empty one, or --to below --from, is refused.
    const part = cli(['tune', '--space', file('archive-space.json', { params: { kappa: { values: [16384, 32767] } } }), '--archive', history, '--to', '2000', '--objectives', 'incentiveInstability', '--workers', '0', '--json']);
    expect(part.code, part.err).toBe(0);
    expect((JSON.parse(part.out) as typeof got).trials.map((t) => t.objectives.incentiveInstability)).not.toEqual(got.trials.map((t) => t.objectives.incentiveInstability));
    expectInputError(cli(['tune', '--space', file('archive-space.json', { params: { kappa: { values: [16384] } } }), '--archive', history, '--from', '1', '--to', '2']), /option --from: .* holds no epoch of the subnet between blocks 1 and 2/);
    expectInputError(cli(['tune', '--space', file('archive-space.json', { params: { kappa: { values: [16384] } } }), '--archive', history, '--from', '9', '--to', '2']), /option --to: must not be below --from \(9\), got 2/);
  });

  it('gives up on an unreachable Redis after its deadline, naming it, with exit 1', async () => {
    // A port that was free a moment ago: nothing listens there.
    const { createServer } = await import('node:net');
    const port = await new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
    const r = cli(['tune', '--space', file('space.json', space), '--scenario', 'kappa-moves-first', '--queue', `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port} within 15 s \\(connect ECONNREFUSED`));
  }, 60_000);

  it('a scoring sweep takes no source', () => {
    expectInputError(cli(['tune', '--space', file('scoring.json', { params: { emaAlpha: { values: [0.1] } } }), '--scenario', 'kappa-moves-first']), /option --scenario: a scoring sweep runs the offline validator/);
  });

  it('tune and worker have --help', () => {
    for (const cmd of ['tune', 'worker']) {
      const r = cli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/--queue/);
    }
  });
});
