import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DUMMY_SPEC } from '../../src/dendrite/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';
import { AcceptPriority, ConnectionAdmission } from '../../src/miner/admission.js';
import { dummyHandler, resolveAxonOptions, startAxon } from '../../src/miner/index.js';

/*
 * The connection admission of the axon (issue 15, "done means" 3): a burst of accepted connections is resumed a few
 * per event-loop pass, all at once when few wait, newest first when more wait than one pass admits.
 */

/** A stand-in for a paused socket: records the order it was resumed in. */
function fakeSocket(name: string, log: string[]): Socket {
  return { destroyed: false, resume() { log.push(name); return this; } } as unknown as Socket;
}

/** An admission whose passes run only when the test says. */
function manual(perPass: number): { admission: ConnectionAdmission; pass: () => boolean } {
  const pending: Array<() => void> = [];
  const admission = new ConnectionAdmission(perPass, () => false, (f) => pending.push(f));
  return { admission, pass: () => { const f = pending.shift(); f?.(); return f !== undefined; } };
}

describe('AcceptPriority', () => {
  it('makes each piece of work yield its pass while connections are accepted, at most maxYields passes in a row', () => {
    const p = new AcceptPriority(3);
    const a = p.yielder();
    const b = p.yielder();
    expect(a()).toBe(false);
    p.noteAccept();
    // Both pieces of work see the accept: each has its own view.
    expect(a()).toBe(true);
    expect(b()).toBe(true);
    expect(a()).toBe(false);
    // A flood that never stops: three yields, then one pass of work, then yields again.
    const seen: boolean[] = [];
    for (let i = 0; i < 8; i++) {
      p.noteAccept();
      seen.push(a());
    }
    expect(seen).toEqual([true, true, true, false, true, true, true, false]);
    expect(p.accepted).toBe(9);
  });
});

describe('ConnectionAdmission', () => {
  it('admits everything in one pass, in arrival order, when no more than perPass wait', () => {
    const log: string[] = [];
    const { admission, pass } = manual(4);
    for (const n of ['a', 'b', 'c']) admission.offer(fakeSocket(n, log));
    expect(log).toEqual([]);
    expect(admission.queued).toBe(3);
    expect(pass()).toBe(true);
    expect(log).toEqual(['a', 'b', 'c']);
    expect(pass()).toBe(false);
    expect(admission.admitted).toBe(3);
  });

  it('under overload admits perPass per pass, the newest first', () => {
    const log: string[] = [];
    const { admission, pass } = manual(2);
    for (let i = 0; i < 7; i++) admission.offer(fakeSocket(`s${i}`, log));
    pass();
    expect(log).toEqual(['s5', 's6']);
    // A newcomer during the backlog goes ahead of everything still waiting.
    admission.offer(fakeSocket('late', log));
    pass();
    expect(log.slice(2)).toEqual(['s4', 'late']);
    pass();
    expect(log.slice(4)).toEqual(['s2', 's3']);
    pass();
    expect(log.slice(6)).toEqual(['s0', 's1']);
    expect(pass()).toBe(false);
    expect(admission.queued).toBe(0);
  });

  it('gives up its pass when told to, and admits once it is not', () => {
    const log: string[] = [];
    const pending: Array<() => void> = [];
    let accepting = true;
    const admission = new ConnectionAdmission(8, () => accepting, (f) => pending.push(f));
    admission.offer(fakeSocket('a', log));
    for (let i = 0; i < 5; i++) pending.shift()!();
    expect(log).toEqual([]);
    expect(pending).toHaveLength(1);
    accepting = false;
    pending.shift()!();
    expect(log).toEqual(['a']);
    expect(pending).toHaveLength(0);
  });

  it('drops connections closed while they waited, and never schedules a pass for nothing', () => {
    const log: string[] = [];
    const { admission, pass } = manual(3);
    const socks = Array.from({ length: 20 }, (_, i) => fakeSocket(`s${i}`, log));
    for (const s of socks) admission.offer(s);
    for (let i = 0; i < 20; i += 2) (socks[i] as { destroyed: boolean }).destroyed = true;
    const closedOnArrival = fakeSocket('gone', log);
    (closedOnArrival as { destroyed: boolean }).destroyed = true;
    admission.offer(closedOnArrival);
    let passes = 0;
    while (pass()) passes++;
    expect(log.sort()).toEqual(socks.filter((_, i) => i % 2 === 1).map((_, j) => `s${2 * j + 1}`).sort());
    expect(admission.admitted).toBe(10);
    expect(passes).toBeLessThanOrEqual(7);
  });
});

/*
 * The burst comes from a child process while this process's event loop is held, so that every connection is in the
 * kernel's accept queue with its request sent before the axon accepts any; the axon then accepts them all in one pass,
 * as under a flood. The child creates a file once every request is written (this process cannot read a pipe while it
 * is held), then prints the order (index in connect order) the 404s came back in.
 */
const BURST_CHILD = `
const net = require('node:net');
const fs = require('node:fs');
const [port, n] = process.argv.slice(1, 3).map(Number);
const flag = process.argv[3];
const order = [];
let written = 0;
for (let i = 0; i < n; i++) {
  const s = net.connect(port, '127.0.0.1');
  let got = '';
  s.on('data', (d) => {
    got += d.toString('latin1');
    if (got.includes('\\r\\n\\r\\n') && !order.includes(i)) {
      order.push(got.startsWith('HTTP/1.1 404') ? i : -1 - i);
      s.destroy();
      if (order.length === n) process.stdout.write(JSON.stringify(order) + '\\n');
    }
  });
  s.write('GET /NoSuchSynapse HTTP/1.1\\r\\nhost: 127.0.0.1\\r\\n\\r\\n', () => { if (++written === n) fs.writeFileSync(flag, ''); });
}
`;

/** Runs the burst of `n` connections against `port`; resolves with the order the 404s came back in. */
async function burst(port: number, n: number): Promise<number[]> {
  const flag = join(mkdtempSync(join(tmpdir(), 'yumaval-burst-')), 'written');
  const child = spawn(process.execPath, ['-e', BURST_CHILD, String(port), String(n), flag], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  // Hold this loop until the whole burst is queued in the kernel (or 20 s, on a machine too loaded to start a child).
  const end = performance.now() + 20_000;
  while (!existsSync(flag) && performance.now() < end);
  expect(existsSync(flag)).toBe(true);
  const out = await lines.next();
  await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  rmSync(dirname(flag), { recursive: true, force: true });
  return JSON.parse(out.value as string) as number[];
}

describe('the axon admits a burst of connections newest first', () => {
  it('with admitPerPass 4, the last quarter of a burst of 64 is answered before the first quarter', async () => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    const axon = await startAxon({ key, port: 0, admitPerPass: 4, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }], log: () => undefined });
    try {
      const order = await burst(axon.port, 64);
      expect(order).toHaveLength(64);
      const rank = (i: number): number => order.indexOf(i);
      const meanRank = (from: number, to: number): number => { let t = 0; for (let i = from; i < to; i++) t += rank(i); return t / (to - from); };
      // FIFO would give the first quarter ranks near 8 and the last near 56; LIFO admission reverses them.
      expect(meanRank(48, 64)).toBeLessThan(meanRank(0, 16));
    } finally {
      await axon.close();
    }
  });

  it('with admitPerPass above the burst, every connection is still answered (no pass drops one)', async () => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    const axon = await startAxon({ key, port: 0, admitPerPass: 1000, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }], log: () => undefined });
    try {
      expect((await burst(axon.port, 64)).sort((a, b) => a - b)).toEqual(Array.from({ length: 64 }, (_, i) => i));
      expect(axon.stats.byStatus[404]).toBe(64);
    } finally {
      await axon.close();
    }
  });

  it('refuses an admitPerPass that is not a positive integer', async () => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    expect(() => resolveAxonOptions({ key, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }], admitPerPass: 0 })).toThrow(/option admitPerPass: expected an integer in \[1, 1000000\], got 0/);
  });
});
