import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measuredRun } from './measured-run.js';

/*
 * Issue 15, finding 7: `simulate` held every epoch's output (bonds rows included) and then the whole --json text, and
 * died of heap exhaustion (exit 134, a native stack) at n = 4096, 64 dense validators, 201 epochs. The same payload,
 * scaled to seconds: n = 1024, 32 dense validators, 150 epochs, run with a 160 MB heap (the old code needs about
 * 235 MB of RSS and aborts on signal 6; the streamed output runs in about 130 MB). The child's peak RSS is read from
 * outside, from /proc/<pid>/status (VmHWM).
 */

const dir = mkdtempSync(join(tmpdir(), 'yumaval-simmem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The scenario shape: `validators` dense rows in epoch 0, then empty epochs (bonds carry the state). */
function denseScenario(n: number, validators: number, epochs: number): string {
  const stake = Array.from({ length: n }, (_, u) => (u < validators ? 1_000_000_000_000 + u * 1000 : 0));
  const row = (i: number): Array<[number, number]> => Array.from({ length: n }, (_, j) => [j, 1 + ((i * 7 + j * 13) % 65535)]);
  const weights = Object.fromEntries(Array.from({ length: validators }, (_, i) => [String(i), row(i)]));
  const p = join(dir, `dense-${n}-${validators}-${epochs}.json`);
  writeFileSync(p, JSON.stringify({ name: 'dense', n, validators: Array.from({ length: validators }, (_, i) => i), stake, epochs: [{ weights }, ...Array.from({ length: epochs - 1 }, () => ({}))] }));
  return p;
}

const run = measuredRun;

describe('simulate under a small heap (finding 7)', () => {
  it('--json streams every epoch: it finishes with a 160 MB heap where holding the outputs aborted, in bounded RSS', async () => {
    const r = await run(['--max-old-space-size=160'], ['simulate', denseScenario(1024, 32, 150), '--json', '--mode', 'f64'], 120_000);
    expect(r.signal).toBeNull();
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out.toString('utf8')) as { variants: Array<{ name: string; epochs: Array<{ bonds: unknown[][]; validatorPermit: boolean[] }> }> };
    expect(doc.variants.map((v) => [v.name, v.epochs.length])).toEqual([['default', 150]]);
    // The bonds are the full rows: 32 validators with a bond to each of the other 1023 uids (no bond to itself).
    const last = doc.variants[0]!.epochs[149]!;
    expect(last.bonds.slice(0, 32).map((row) => row.length)).toEqual(new Array(32).fill(1023));
    expect(last.validatorPermit.filter(Boolean)).toHaveLength(32);
    // Measured: about 130 MB streamed, 235 MB (then abort) when every output was held.
    expect(r.peakKb).toBeGreaterThan(0);
    expect(r.peakKb).toBeLessThan(200 * 1024);
  }, 150_000);

  it('a run whose tables cannot fit is refused up front with exit 2 naming n, epochs and variants, not after minutes', async () => {
    const sc = denseScenario(4096, 2, 1);
    const t0 = performance.now();
    const r = await run(['--max-old-space-size=64'], ['simulate', sc, '--epochs', '5000', '--mode', 'f64'], 60_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.out.length).toBe(0);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/n = 4096 × 5000 epochs × 1 variant run\(s\) needs about \d+ MiB .* more than the \d+ MiB this heap allows: run fewer epochs \(--epochs\)/);
    // Refused before the first epoch ran (5000 epochs at n = 4096 take minutes).
    expect(performance.now() - t0).toBeLessThan(20_000);
  }, 70_000);
});
