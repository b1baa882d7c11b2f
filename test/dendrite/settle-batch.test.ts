import { describe, expect, it } from 'vitest';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { epochMs } from '../../src/dendrite/run-request.js';
import { settleBatch } from '../../src/dendrite/settle-batch.js';
import type { WorkerReply, WorkerTask } from '../../src/dendrite/worker-types.js';

const task = (deadlineInMs: number, n = 2): WorkerTask => ({
  spec: DUMMY_SPEC, timeoutSeconds: 1, deadlineAt: epochMs() + deadlineInMs,
  requests: Array.from({ length: n }, (_, i) => ({ ip: '1.2.3.4', port: 8000 + i, hotkey: 'h', input: { dummy_input: i } })),
});
const ok: WorkerReply = [0, 1].map(() => ({ status: 200, message: 'Success', processTime: 0.01, axonProcessTime: null, fields: {}, failure: null }));

describe('settleBatch', () => {
  it('passes a well-formed reply through', async () => {
    expect(await settleBatch(async () => ok, task(1_000), 100)).toBe(ok);
  });

  it('turns a worker that throws, rejects or replies nonsense into 500 worker results, one per request', async () => {
    for (const run of [() => { throw new Error('sync boom'); }, async () => { throw new Error('async boom'); }, async () => [ok[0]], async () => 'x']) {
      const r = await settleBatch(run as () => Promise<unknown>, task(1_000), 100);
      expect(r).toHaveLength(2);
      for (const x of r) expect(x).toMatchObject({ status: 500, failure: 'worker', fields: null, processTime: null });
    }
  });

  it('stops waiting for a worker that never answers at the deadline plus the grace, with 408s', async () => {
    const t0 = performance.now();
    const r = await settleBatch(() => new Promise(() => undefined), task(200), 150);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(340);
    expect(took).toBeLessThan(2_000);
    expect(r.map((x) => [x.status, x.failure, x.message])).toEqual([0, 1].map(() => [408, 'timeout', 'Request timeout after 1.0 seconds']));
  });
});
