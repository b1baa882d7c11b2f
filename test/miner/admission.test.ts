import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';
import { ByteBudget } from '../../src/miner/admission.js';
import { Turns, limitedLog } from '../../src/miner/fairness.js';
import { AXON_DEFAULTS, dummyHandler, resolveAxonOptions, startAxon, type AxonOptions } from '../../src/miner/index.js';

/* The pieces behind the axon's limits (issue 15): the byte budget, the turns, the log limiter, the options' checks. */

describe('ByteBudget', () => {
  it('never lends more than its capacity; releases are exact and idempotent', () => {
    const b = new ByteBudget(100);
    const r1 = b.reserve(60)!;
    expect(b.reserve(41)).toBeNull();
    const r2 = b.reserve(40)!;
    expect(b.inUse).toBe(100);
    r1();
    r1();
    expect(b.inUse).toBe(40);
    expect(b.reserve(61)).toBeNull();
    r2();
    expect(b.inUse).toBe(0);
    expect(b.reserve(100)).not.toBeNull();
  });
});

describe('Turns', () => {
  it('gives at most one turn per event-loop pass, in arrival order, and lets timers run between turns', async () => {
    const t = new Turns();
    const order: string[] = [];
    const busy = (ms: number): void => { const end = performance.now() + ms; while (performance.now() < end); };
    // Each turn is 2 ms of synchronous work, as a signature check is.
    const all = Array.from({ length: 5 }, (_, i) => t.turn().then(() => { order.push(`turn${i}`); busy(2); }));
    // An I/O-phase callback queued now must not wait for all five turns.
    setTimeout(() => order.push('timer'), 0);
    await Promise.all(all);
    expect(order.filter((x) => x.startsWith('turn'))).toEqual(['turn0', 'turn1', 'turn2', 'turn3', 'turn4']);
    // Without turns all five would run back to back (10 ms) before the 1 ms timer; with them it runs after the second.
    expect(order.indexOf('timer')).toBeGreaterThan(0);
    expect(order.indexOf('timer')).toBeLessThanOrEqual(3);
    expect(t.queued).toBe(0);
  });
});

describe('limitedLog', () => {
  it('writes at most N lines per window and reports the dropped ones after it', () => {
    const lines: string[] = [];
    let now = 0;
    const log = limitedLog((l) => lines.push(l), 2, 1000, () => now);
    for (let i = 0; i < 5; i++) log(`line ${i}`);
    expect(lines).toEqual(['line 0', 'line 1']);
    now = 1000;
    log('later');
    expect(lines.slice(2)).toEqual(['axon: 3 log lines dropped in the last 1000 ms (more than 2 per 1000 ms)', 'later']);
  });
});

describe('resolveAxonOptions', () => {
  it('has the documented limits by default', async () => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    const o = resolveAxonOptions({ key, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }] });
    expect(o).toMatchObject({
      maxBodyBytes: 1 << 20, maxBodyValues: 16_384, maxBufferedBytes: 32 << 20, maxConnections: 2048, maxConnectionsPerIp: null,
      headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxTimeoutSeconds: 120,
    });
    expect(Object.isFrozen(AXON_DEFAULTS)).toBe(true);
  });

  it.each([
    [{ maxConnection: 5 }, /option maxConnection: is not an axon option \(expected one of key, synapses, .*maxConnections/],
    [{ maxBufferedBytes: 1000 }, /option maxBufferedBytes: must be at least maxBodyBytes \(1048576\)/],
    [{ headersTimeoutMs: 60_000 }, /option headersTimeoutMs: must be at most requestTimeoutMs \(30000\)/],
    [{ maxTimeoutSeconds: Number.NaN }, /option maxTimeoutSeconds: expected seconds in \[0, 3600\], got NaN/],
    [{ maxTimeoutSeconds: 1e290 }, /option maxTimeoutSeconds/],
    [{ maxConnectionsPerIp: 0 }, /option maxConnectionsPerIp: expected an integer in \[1, 1000000\] or null, got 0/],
    [{ requestTimeoutMs: 2 ** 40 }, /option requestTimeoutMs/],
  ])('refuses %j', async (bad, re) => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    expect(() => resolveAxonOptions({ key, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }], ...bad } as AxonOptions)).toThrow(re);
  });

  it('never prints the key it refuses', () => {
    expect(() => resolveAxonOptions({ key: 'bottom drive obey lake curtain smoke basket hold race lonely fit walk' as never, synapses: [] })).toThrow(/option key: expected a LoadedKey \(from loadKey\) \(the value given is not shown\)$/);
  });
});

describe('connection caps', () => {
  it('maxConnectionsPerIp closes the connections past it from one address; the others stay open', async () => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    const axon = await startAxon({ key, port: 0, log: () => {}, maxConnectionsPerIp: 2, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }] });
    const sockets: Socket[] = [];
    try {
      const closed: boolean[] = [false, false, false];
      for (let i = 0; i < 3; i++) {
        const s = connect(axon.port, '127.0.0.1');
        sockets.push(s);
        s.on('error', () => undefined).resume();
        s.once('close', () => { closed[i] = true; });
        await new Promise((r) => s.once('connect', r));
        // One at a time, so that the server has counted the earlier ones.
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(closed).toEqual([false, false, true]);
      // A slot frees when a connection closes.
      sockets[0]!.destroy();
      await new Promise((r) => setTimeout(r, 100));
      const again = connect(axon.port, '127.0.0.1');
      sockets.push(again);
      let againClosed = false;
      again.on('error', () => undefined).resume();
      again.once('close', () => { againClosed = true; });
      await new Promise((r) => again.once('connect', r));
      await new Promise((r) => setTimeout(r, 300));
      expect(againClosed).toBe(false);
    } finally {
      for (const s of sockets) s.destroy();
      await axon.close();
    }
  });
});
