import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runEpoch } from '../../src/index.js';
import type { EpochInput, EpochMode } from '../../src/index.js';
import { getEngine } from '../../src/wasm/engine.js';
import { syntheticSubnet } from '../../src/yuma/index.js';

/*
 * The wasm engine is instantiated once per thread: getEngine() caches its instance, and each worker thread, which
 * has its own module state, builds its own. The worker imports the built package (dist/), which `npm test` builds
 * before vitest runs, and must give the same outputs as the main thread (which runs the sources through vitest).
 */

const DIST_INDEX = new URL('../../dist/index.js', import.meta.url);
const DIST_ENGINE = new URL('../../dist/wasm/engine.js', import.meta.url);

interface WorkerResult {
  outputs: string[];
  sameEngine: boolean;
  instances: number;
  error?: string;
}

/*
 * The worker body (CommonJS, as `eval` workers are). It counts WebAssembly.Instance constructions before the package
 * is imported, so the count covers the whole life of the thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
let instances = 0;
const Original = WebAssembly.Instance;
WebAssembly.Instance = new Proxy(Original, {
  construct(target, args) { instances += 1; return Reflect.construct(target, args); },
});
(async () => {
  const { runEpoch } = await import(workerData.index);
  const { getEngine } = await import(workerData.engine);
  const first = getEngine();
  const outputs = workerData.inputs.map((input) => JSON.stringify(runEpoch(input, { mode: workerData.mode })));
  parentPort.postMessage({ outputs, sameEngine: getEngine() === first && getEngine() === getEngine(), instances });
})().catch((err) => parentPort.postMessage({ outputs: [], sameEngine: false, instances, error: String(err && err.stack || err) }));
`;

const workers: Worker[] = [];

function runInWorker(inputs: EpochInput[], mode: EpochMode): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { index: DIST_INDEX.href, engine: DIST_ENGINE.href, inputs, mode },
    });
    workers.push(worker);
    worker.once('message', (msg: WorkerResult) => {
      if (msg.error !== undefined) reject(new Error(`worker failed: ${msg.error}`));
      else resolve(msg);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before answering`)));
  });
}

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

interface Vector {
  name: string;
  input: EpochInput;
}

let cachedInputs: EpochInput[] | undefined;

/**
 * The upstream vectors and two synthetic subnets. Built on first use, not at import: syntheticSubnet runs an epoch,
 * which would instantiate the engine before the instantiation count starts.
 */
function testInputs(): EpochInput[] {
  if (cachedInputs !== undefined) return cachedInputs;
  const vectors = JSON.parse(readFileSync(new URL('../fixtures/epoch_upstream_tests.json', import.meta.url), 'utf8')) as Vector[];
  cachedInputs = [
    ...vectors.map((v) => v.input),
    syntheticSubnet({ n: 256, validators: 64, weightsPerValidator: 64, seed: 11, yuma3: true, liquidAlpha: true }),
    syntheticSubnet({ n: 300, validators: 32, seed: 12, yuma3: false }),
  ];
  return cachedInputs;
}

/** Outputs as the worker sends them: JSON text, parsed back (bonds are a lazy getter in the engine's output). */
const asJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('one wasm instance in the main thread', () => {
  it('getEngine() instantiates the module once and returns the same object on every call', () => {
    // This is the first test of the file (its own process), and nothing above instantiates the engine at import.
    // The tsconfig has no DOM lib, so the WebAssembly global is reached through a typed view of globalThis.
    const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (...args: unknown[]) => object } }).WebAssembly;
    let instances = 0;
    const Original = wasm.Instance;
    wasm.Instance = new Proxy(Original, {
      construct(target, args: unknown[]) {
        instances += 1;
        return Reflect.construct(target, args) as object;
      },
    });
    try {
      const first = getEngine();
      const inputs = testInputs();
      runEpoch(inputs[0] as EpochInput);
      runEpoch(inputs[1] as EpochInput, { mode: 'f64' });
      expect(getEngine()).toBe(first);
      expect(getEngine()).toBe(getEngine());
      expect(instances).toBe(1);
    } finally {
      wasm.Instance = Original;
    }
  });

  it('runs repeatedly on the same instance without carrying state from one epoch to the next', () => {
    // The engine resets its heap per run: running b between two runs of a must not change a's output.
    const inputs = testInputs();
    const a = inputs[inputs.length - 1] as EpochInput;
    const b = inputs[0] as EpochInput;
    const first = asJson(runEpoch(a));
    runEpoch(b);
    expect(asJson(runEpoch(a))).toStrictEqual(first);
  });

});

describe('worker threads (through dist/) get their own instance', () => {
  beforeAll(() => {
    if (!existsSync(fileURLToPath(DIST_INDEX))) {
      throw new Error(`${fileURLToPath(DIST_INDEX)} is missing: run \`npm run build\` first (npm test builds it before vitest)`);
    }
  });

  for (const mode of ['exact', 'f64'] as const) {
    it(`a worker thread builds its own instance, once, and gives the main thread's ${mode} outputs`, async () => {
      const inputs = testInputs();
      const result = await runInWorker(inputs, mode);
      expect(result.sameEngine).toBe(true);
      expect(result.instances).toBe(1);
      expect(result.outputs).toHaveLength(inputs.length);
      inputs.forEach((input, i) => {
        expect(JSON.parse(result.outputs[i] as string), `input ${i}`).toStrictEqual(asJson(runEpoch(input, { mode })));
      });
    });
  }

  it('two workers running at the same time do not interfere', async () => {
    // Each worker gets the inputs in a different order; shared state would show up as a different output.
    const inputs = testInputs();
    const reversed = inputs.slice().reverse();
    const [forward, backward] = await Promise.all([runInWorker(inputs, 'exact'), runInWorker(reversed, 'exact')]);
    expect(forward.instances).toBe(1);
    expect(backward.instances).toBe(1);
    expect(backward.outputs.slice().reverse()).toStrictEqual(forward.outputs);
    expect(JSON.parse(forward.outputs[0] as string)).toStrictEqual(asJson(runEpoch(inputs[0] as EpochInput)));
  });
});
