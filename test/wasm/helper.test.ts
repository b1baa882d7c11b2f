import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runEpoch } from '../../src/index.js';
import type { EpochInput, EpochMode, EpochOutput } from '../../src/index.js';
import { ensureHelper } from '../../src/wasm/index.js';
import { syntheticSubnet } from '../../src/yuma/index.js';

/*
 * Large runs hand half of their big steps to a helper thread (assembly/parallel.ts). The parts are split the same
 * way with or without the helper, so a run on a thread with YUMAVAL_THREADS=1 (every part on the calling thread)
 * must give the same output to the last bit. The subnets here have 2^17 and more entries, above the hand-off size.
 */

const DIST_INDEX = new URL('../../dist/index.js', import.meta.url);
const DIST_WASM = new URL('../../dist/wasm/index.js', import.meta.url);

/** What ensureHelper() says on a fresh worker thread of the built package with the given YUMAVAL_THREADS. */
function helperOnWorker(setting: string | undefined): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env, YUMAVAL_THREADS: setting };
  if (setting === undefined) delete env.YUMAVAL_THREADS;
  return new Promise((resolve, reject) => {
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.wasm).then((m) => parentPort.postMessage(m.ensureHelper()), (err) => parentPort.postMessage('error: ' + err));`,
      { eval: true, env, workerData: { wasm: DIST_WASM.href } },
    );
    worker.once('message', (msg: string) => {
      void worker.terminate();
      resolve(msg);
    });
    worker.once('error', reject);
  });
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { runEpoch } = await import(workerData.index);
  const outputs = workerData.runs.map(([input, mode]) => JSON.stringify(runEpoch(input, { mode })));
  parentPort.postMessage({ outputs });
})().catch((err) => parentPort.postMessage({ error: String(err && err.stack || err) }));
`;

/** Runs the epochs on a worker thread of the built package without a helper. */
function runAlone(runs: Array<[EpochInput, EpochMode]>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: { ...process.env, YUMAVAL_THREADS: '1' },
      workerData: { index: DIST_INDEX.href, runs },
    });
    worker.once('message', (msg: { outputs?: string[]; error?: string }) => {
      void worker.terminate();
      if (msg.error !== undefined) reject(new Error(`worker failed: ${msg.error}`));
      else resolve(msg.outputs ?? []);
    });
    worker.once('error', reject);
  });
}

const SHAPES = [
  { n: 1024, validators: 128, yuma3: false, liquidAlpha: false },
  { n: 1024, validators: 128, yuma3: true, liquidAlpha: true },
  { n: 2048, validators: 200, weightsPerValidator: 400, yuma3: false, liquidAlpha: false },
  // Yuma3 without liquid alpha, bonds on half the cells; and with it, a bonds penalty of 1/2 on reversed rows (the
  // interpolated weights for bonds are sorted per row).
  { n: 1024, validators: 128, yuma3: true, liquidAlpha: false, halfBonds: true },
  { n: 1024, validators: 128, yuma3: true, liquidAlpha: true, halfBonds: true, bondsPenalty: 32768, reversed: true },
];

/** A synthetic subnet of one shape, with its bonds thinned to half the cells or its rows reversed when asked. */
function subnetOf(shape: (typeof SHAPES)[number], seed: number): EpochInput {
  const { halfBonds, bondsPenalty, reversed, ...opts } = shape as (typeof SHAPES)[number] & { halfBonds?: boolean; bondsPenalty?: number; reversed?: boolean };
  const x = syntheticSubnet({ ...opts, seed });
  const order = (row: Array<[number, number]>): Array<[number, number]> => (reversed === true ? row.slice().reverse() : row);
  return {
    ...x,
    bondsPenalty: bondsPenalty ?? x.bondsPenalty,
    weights: x.weights.map(order),
    bonds: x.bonds.map((row, i) => order(halfBonds === true ? row.filter(([j]) => (i + j) % 2 === 0) : row)),
  };
}

describe('the helper thread', () => {
  const cores = availableParallelism();

  it('starts on a machine with two cores or more', (ctx) => {
    if (cores < 2) {
      console.log(`helper test skipped: this machine has ${cores} core`);
      ctx.skip();
    }
    expect(ensureHelper()).toBe('on');
  });

  it('is not started on worker threads unless YUMAVAL_THREADS=2, nor anywhere with YUMAVAL_THREADS=1', async (ctx) => {
    if (cores < 2) {
      console.log(`helper test skipped: this machine has ${cores} core`);
      ctx.skip();
    }
    expect(await helperOnWorker(undefined)).toMatch(/^not on a worker thread/);
    expect(await helperOnWorker('1')).toBe('disabled by YUMAVAL_THREADS=1');
    expect(await helperOnWorker('2')).toBe('on');
  });

  it('changes no bit of the output, in both modes', async () => {
    const runs: Array<[EpochInput, EpochMode]> = [];
    for (const shape of SHAPES) {
      const input = subnetOf(shape, 31);
      runs.push([input, 'exact'], [input, 'f64']);
    }
    const withHelper = runs.map(([input, mode]) => JSON.stringify(runEpoch(input, { mode })));
    const alone = await runAlone(runs);
    expect(alone).toHaveLength(runs.length);
    alone.forEach((out, k) => expect(out === withHelper[k], `run ${k}: ${runs[k]?.[1]}`).toBe(true));
  });

  it('gives the same output on every one of many consecutive split runs (part 1 claimed by either thread)', () => {
    // Which thread runs part 1 depends on scheduling; the output must not, and no run may wait forever.
    const input = subnetOf({ n: 1024, validators: 128, yuma3: true, liquidAlpha: false, halfBonds: true }, 33);
    for (const mode of ['exact', 'f64'] as EpochMode[]) {
      const first = JSON.stringify(runEpoch(input, { mode }));
      for (let k = 0; k < 25; k++) expect(JSON.stringify(runEpoch(input, { mode })) === first, `${mode} run ${k}`).toBe(true);
    }
  });

  // Larger dense synthetic subnets have miners whose consensus is a few u16 units; there the chain's own floors move
  // the stored bonds by more than the tolerance (the u16 vectors stay within 1), as in the f64 accuracy tests' notes.
  it('gives f64 results within 2/65535 of exact on a large subnet', () => {
    const input = syntheticSubnet({ n: 1024, validators: 128, seed: 32 });
    const exact = runEpoch(input);
    const approx: EpochOutput = runEpoch(input, { mode: 'f64' });
    for (const key of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) {
      const worst = Math.max(...exact[key].map((v, i) => Math.abs(v - (approx[key][i] as number))));
      expect(worst, key).toBeLessThanOrEqual(2);
    }
    exact.bonds.forEach((row, i) => {
      const other = approx.bonds[i] ?? [];
      expect(other.map(([j]) => j), `bonds[${i}] columns`).toEqual(row.map(([j]) => j));
      row.forEach(([, v], q) => expect(Math.abs(v - (other[q] as [number, number])[1])).toBeLessThanOrEqual(2));
    });
  });
});
