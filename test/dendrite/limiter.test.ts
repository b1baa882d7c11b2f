import { describe, expect, it } from 'vitest';
import { KeyedSerial, Limiter } from '../../src/dendrite/limiter.js';

const tick = (ms = 1) => new Promise((r) => setTimeout(r, ms));

describe('Limiter', () => {
  it('never runs more than its limit at once, runs everything, and releases slots on failure', async () => {
    const l = new Limiter(3);
    let running = 0, peak = 0;
    const jobs = Array.from({ length: 20 }, (_, i) => l.run(async () => {
      running++; peak = Math.max(peak, running);
      await tick(1 + (i % 3));
      running--;
      if (i % 5 === 0) throw new Error(`job ${i}`);
      return i;
    }));
    const out = await Promise.allSettled(jobs);
    expect(peak).toBe(3);
    expect(out.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<number>).value)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19]);
    expect(l.inFlight).toBe(0);
    expect(l.waiting).toBe(0);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Limiter(0)).toThrow(RangeError);
    expect(() => new Limiter(1.5)).toThrow(RangeError);
  });
});

describe('KeyedSerial', () => {
  it('runs tasks of one key in call order, one at a time, and other keys alongside', async () => {
    const s = new KeyedSerial();
    const log: string[] = [];
    const job = (key: string, i: number, ms: number, fail = false) => s.run(key, async () => {
      log.push(`${key}${i}+`);
      await tick(ms);
      log.push(`${key}${i}-`);
      if (fail) throw new Error('x');
      return i;
    });
    const all = [job('a', 1, 15, true), job('a', 2, 1), job('b', 1, 5), job('a', 3, 1)];
    await Promise.allSettled(all);
    const a = log.filter((e) => e.startsWith('a'));
    expect(a).toEqual(['a1+', 'a1-', 'a2+', 'a2-', 'a3+', 'a3-']);
    // b ran while a1 was running.
    expect(log.indexOf('b1+')).toBeLessThan(log.indexOf('a1-'));
    await tick(5);
    expect(s.size).toBe(0);
  });
});
