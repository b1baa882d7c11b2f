import { describe, expect, it } from 'vitest';
import { epochIndex } from '../../src/chain/index.js';
import { InvalidOptionError } from '../../src/errors/index.js';
import { blocksIntoTempo, createMetrics, nextEpochBlock, parseListenAddress, prettyLine, rawWeights, startAdminServer, Watchdog, weightsDue, type WatchdogError } from '../../src/service/index.js';

/* The service's small parts: the cadence arithmetic, the watchdog on an injected clock, the admin listener's policy. */

describe('cadence', () => {
  it('finds the next epoch block by the chain\'s rule (block + netuid + 1) % (tempo + 1) == 0', () => {
    for (const [netuid, tempo] of [[1, 7], [0, 360], [5, 10], [2, 1]] as const) {
      for (let b = 0; b < 3 * (tempo + 1) + 2; b++) {
        let e = b + 1;
        while ((e + netuid + 1) % (tempo + 1) !== 0) e++;
        expect(nextEpochBlock(b, netuid, tempo)).toBe(e);
        expect(blocksIntoTempo(e, netuid, tempo)).toBe(0);
        expect(epochIndex(e, netuid, tempo)).toBe(epochIndex(e - 1, netuid, tempo) + 1);
      }
    }
  });

  it('is due once per tempo, at the offset, when the rate limit lets the call into the next block', () => {
    const c = { netuid: 1, tempo: 9, offset: 3, lastLandedTempo: -1, lastUpdate: 0, rateLimit: 5 };
    // Epoch blocks of netuid 1, tempo 9: 8, 18, 28, ...
    expect(weightsDue({ ...c, head: 18 }).due).toBe(false);
    expect(weightsDue({ ...c, head: 20 }).due).toBe(false);
    expect(weightsDue({ ...c, head: 21 }).due).toBe(true);
    expect(weightsDue({ ...c, head: 21, lastLandedTempo: epochIndex(21, 1, 9) }).due).toBe(false);
    expect(weightsDue({ ...c, head: 21, lastUpdate: 18 }).due).toBe(false);
    expect(weightsDue({ ...c, head: 22, lastUpdate: 18 }).due).toBe(true);
    // An offset beyond the tempo is clamped to its last block.
    expect(weightsDue({ ...c, head: 27, offset: 50 }).due).toBe(true);
  });

  it('turns scores into L1-normalised raw weights, or null when all are 0', () => {
    expect(rawWeights(Float64Array.from([0, 1, 3, 0]))).toEqual({ uids: [0, 1, 2, 3], weights: [0, 0.25, 0.75, 0] });
    expect(rawWeights(Float64Array.from([0, 0]))).toBeNull();
    expect(rawWeights(Float64Array.from([Number.NaN, 2]))).toEqual({ uids: [0, 1], weights: [0, 1] });
  });
});

describe('Watchdog', () => {
  const make = () => {
    let t = 0;
    const fired: WatchdogError[] = [];
    const w = new Watchdog({ stallSeconds: 10, maxBlocksWithoutWeights: 100 }, (e) => fired.push(e), () => t);
    return { w, fired, advance: (ms: number) => { t += ms; } };
  };

  it('gives up once when no step was applied for stallSeconds', () => {
    const { w, fired, advance } = make();
    advance(9_000);
    w.head(1);
    w.check();
    expect(fired).toEqual([]);
    w.stepDone();
    advance(10_001);
    w.head(2);
    w.check();
    w.check();
    expect(fired.map((e) => [e.reason, e.code])).toEqual([['stalled-steps', 'ERR_WATCHDOG']]);
  });

  it('gives up when no finalized head came for stallSeconds, and on too many blocks without weights after the warm-up', () => {
    const a = make();
    a.advance(5_000);
    a.w.stepDone();
    a.advance(6_000);
    a.w.check();
    expect(a.fired.map((e) => e.reason)).toEqual(['stalled-chain']);
    const b = make();
    b.w.noWeightsSince(10, 200, false);
    b.w.noWeightsSince(10, 110, true);
    expect(b.fired).toEqual([]);
    b.w.noWeightsSince(10, 111, true);
    expect(b.fired.map((e) => e.reason)).toEqual(['no-weights']);
    expect(b.fired[0]?.message).toMatch(/no weights landed for 101 blocks/);
  });
});

describe('the admin listener', () => {
  it('parses HOST:PORT and refuses anything else naming the option', () => {
    expect(parseListenAddress('127.0.0.1:9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(parseListenAddress('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseListenAddress('9100')).toThrow(InvalidOptionError);
    expect(() => parseListenAddress('localhost:70000')).toThrow(/option --metrics/);
  });

  it('refuses a non-loopback bind unless allowed; serves /metrics from its own registry and /healthz with 200 or 503', async () => {
    const m = createMetrics({ netuid: '9' }, false);
    let status: 'ok' | 'unhealthy' = 'ok';
    const health = () => ({ status, reasons: [], lastStepAt: null, lastWeightsBlock: null, head: 5, blocksSinceLastUpdate: null, chain: 'connected' as const });
    await expect(startAdminServer({ host: '0.0.0.0', port: 0 }, m.registry, health)).rejects.toThrow(/not a loopback address/);
    const s = await startAdminServer({ host: '127.0.0.1', port: 0 }, m.registry, health);
    try {
      m.steps.inc({ outcome: 'applied' });
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(text).toMatch(/^yumaval_steps_total\{outcome="applied",netuid="9"\} 1$/m);
      // A second and third validator's registries are their own: no clash, no shared counts, process defaults in each.
      const other = createMetrics({ netuid: '10' }, false);
      expect(await other.registry.metrics()).not.toMatch(/yumaval_steps_total\{/);
      const [p1, p2] = [createMetrics({ netuid: '11' }), createMetrics({ netuid: '12' })];
      expect(await p1.registry.metrics()).toContain('process_resident_memory_bytes{netuid="11"}');
      expect(await p2.registry.metrics()).toContain('process_resident_memory_bytes{netuid="12"}');
      const ok = await fetch(`${s.url}/healthz`);
      expect([ok.status, ((await ok.json()) as { head: number }).head]).toEqual([200, 5]);
      status = 'unhealthy';
      expect((await fetch(`${s.url}/healthz`)).status).toBe(503);
      expect((await fetch(`${s.url}/nothing`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});

describe('pretty logs', () => {
  it('turns a pino record into one human line', () => {
    const line = prettyLine(JSON.stringify({ level: 50, time: Date.UTC(2026, 0, 1, 12, 34, 56, 789), pid: 1, msg: 'watchdog: no step', reason: 'stalled-steps', n: 3 }));
    expect(line).toBe('12:34:56.789 ERROR watchdog: no step reason=stalled-steps n=3\n');
  });
});
