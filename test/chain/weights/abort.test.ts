import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraFor } from '../../../src/chain/weights/intent-driver.js';
import { startHarness, type Harness } from './helpers.js';

/*
 * Issue 16: a stop ends the pipeline's waits at once. A set_weights refused by the rate limit is rescheduled for a
 * block far ahead (LastUpdate + 1000: minutes of waiting at 150 ms a block, and maxWaitMs is 10 minutes here); aborting
 * the pipeline's signal ends the call within a second, with the signal's reason, and leaves the intent planned in the
 * store for the next start. Without the signal the same call is still waiting when the test looks.
 */

const RATE = 1000;
const config = {
  subnets: [{ netuid: 1, tempo: 360, weightsSetRateLimit: RATE, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config, 150);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('WeightsPipeline with an AbortSignal', () => {
  it('ends a wait for a rate-limited block at once when aborted; the intent stays planned', async () => {
    const stop = new AbortController();
    const p = h.pipeline(h.keys.alice, { signal: stop.signal, maxWaitMs: 600_000, pollMs: 50 });
    const first = await p.setWeights({ netuid: 1, uids: [0, 1], values: [65535, 1] });
    const waiting = p.setWeights({ netuid: 1, uids: [0, 1], values: [1, 65535] });
    waiting.catch(() => undefined);
    let settled = false;
    void waiting.finally(() => { settled = true; }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(settled).toBe(false);
    const t0 = performance.now();
    stop.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(1_000);
    const open = h.store.intents.listOpen().filter((i) => i.id !== first.intent.id);
    expect(open.length).toBe(1);
    expect(open[0]?.state).toBe('planned');
    expect(open[0]?.notBefore).toBe((first.intent.blockNumber as number) + RATE);
  });

  it('refuses a signal that is not an AbortSignal, naming the option', () => {
    expect(() => h.pipeline(h.keys.alice, { signal: {} as AbortSignal })).toThrow(/signal/);
  });
});

describe('eraFor', () => {
  it('keeps the period for other calls, and ends a reveal\'s era inside its window (at least 4 blocks)', () => {
    expect(eraFor(null, 100, 64)).toBe(64);
    expect(eraFor(1000, 100, 64)).toBe(64);
    // birth 100, window ends at 130: 32 would reach 131, 16 reaches 115.
    expect(eraFor(130, 100, 64)).toBe(16);
    expect(eraFor(131, 100, 64)).toBe(32);
    expect(eraFor(101, 100, 64)).toBe(4);
    for (let last = 103; last < 300; last++) {
      const era = eraFor(last, 100, 64);
      expect(100 + era - 1).toBeLessThanOrEqual(last);
      expect(era === 64 || 100 + 2 * era - 1 > last).toBe(true);
    }
  });
});
