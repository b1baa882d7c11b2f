import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, TimelockWorker } from '../../src/timelock/index.js';
import { oracleDecrypt, QUICKNET_PK, ROUND_1000_SIGNATURE } from './oracle.js';

/*
 * TimelockWorker: the same ciphertext format from a worker thread, errors carried back with their code, and the main
 * thread's event loop free while the worker computes.
 */

describe('TimelockWorker', () => {
  it('encrypts off the main thread: the oracle and decrypt open the result', async () => {
    const w = new TimelockWorker();
    try {
      const payload = new TextEncoder().encode('from a worker');
      const ct = await w.encrypt(payload, 1000n, QUICKNET_PK);
      expect(ct.length).toBe(payload.length + 244);
      expect(oracleDecrypt(ct, ROUND_1000_SIGNATURE)).toEqual(payload);
      expect(decrypt(ct, ROUND_1000_SIGNATURE)).toEqual(payload);
    } finally {
      await w.close();
    }
  });

  it('keeps the event loop free: timers fire while 4 encryptions run (they would not during inline encryption)', async () => {
    const w = new TimelockWorker();
    try {
      const payload = new Uint8Array(100);
      await w.encrypt(payload, 5n, QUICKNET_PK); // thread start-up is not what is measured
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      await Promise.all([1n, 2n, 3n, 4n].map((r) => w.encrypt(payload, r, QUICKNET_PK)));
      const workerTicks = ticks;
      ticks = 0;
      for (const r of [1n, 2n, 3n, 4n]) encrypt(payload, r, QUICKNET_PK);
      await new Promise((r) => setImmediate(r));
      const inlineTicks = ticks;
      clearInterval(timer);
      // Inline, the loop is blocked for the whole run: at most one catch-up tick. Off-thread it keeps ticking.
      expect(inlineTicks).toBeLessThanOrEqual(1);
      expect(workerTicks).toBeGreaterThan(inlineTicks);
    } finally {
      await w.close();
    }
  });

  it('carries a bad key back as ERR_TIMELOCK_KEY; a bad round is a rejection', async () => {
    const w = new TimelockWorker();
    try {
      await expect(w.encrypt(new Uint8Array(1), 1n, new Uint8Array(96).fill(0x8f))).rejects.toMatchObject({ code: 'ERR_TIMELOCK_KEY' });
      await expect(w.encrypt(new Uint8Array(1), 0n, QUICKNET_PK)).rejects.toThrow(RangeError);
    } finally {
      await w.close();
    }
  });
});
