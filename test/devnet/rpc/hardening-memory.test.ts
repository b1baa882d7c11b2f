import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RawClient } from './helpers.js';
import { sleep, startDevnetProcess } from './devnet-process.js';
import type { DevnetProcess } from './devnet-process.js';

/*
 * Issue 15, finding 4: reply amplification and unfinished requests against a real `yumaval devnet` process, memory read
 * from /proc from outside it. The payloads are the issue's, scaled to run in seconds (YUMAVAL_HARDENING_FULL=1 runs
 * them at the issue's scale: 228k calls per batch, 100 POSTs of 15 MB). Each test prints its figures on stderr.
 */

const FULL = process.env.YUMAVAL_HARDENING_FULL === '1';
/** The issue's scale takes minutes. */
const TIMEOUT = FULL ? 900_000 : 120_000;
const MB = 1024 * 1024;

let devnet: DevnetProcess | null = null;
afterEach(async () => {
  await devnet?.stop();
  devnet = null;
});

/** A batch of `n` chain_getHeader calls (each answer is a whole header, ~5× the request). */
function headerBatch(n: number): string {
  const items: string[] = [];
  for (let i = 0; i < n; i++) items.push(`{"jsonrpc":"2.0","id":${i},"method":"chain_getHeader","params":[]}`);
  return `[${items.join(',')}]`;
}

/** A WebSocket client that never reads what the server sends. */
async function nonReader(url: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  (ws as unknown as { _socket: Socket })._socket.pause();
  ws.on('error', () => {});
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, closed };
}

/** Samples RSS every 50 ms until stopped; answers the largest seen. */
function sampleRss(d: DevnetProcess): { stop(): number } {
  let max = d.rssMb();
  const timer = setInterval(() => {
    try {
      max = Math.max(max, d.rssMb());
    } catch {
      // the process is gone
    }
  }, 50);
  return { stop: () => { clearInterval(timer); return max; } };
}

/** The time one fresh client waits for system_health, in ms. */
async function healthLatency(url: string): Promise<number> {
  const t0 = performance.now();
  const c = await RawClient.connect(url);
  await c.call('system_health');
  const ms = performance.now() - t0;
  await c.close();
  return ms;
}

/** Ten clients that never read each send the header batch three times; answers the peak RSS growth in MB. */
async function amplification(d: DevnetProcess, calls: number): Promise<{ growthMb: number; afterMb: number; served: number; codes: number[] }> {
  const batch = headerBatch(calls);
  // Warm up the code paths the attack uses, so the baseline is not the cold process.
  const warm = await RawClient.connect(d.url);
  await warm.sendRaw(headerBatch(10));
  await warm.close();
  await sleep(200);
  const base = d.rssMb();
  const sampler = sampleRss(d);
  const clients = await Promise.all(Array.from({ length: 10 }, () => nonReader(d.url)));
  for (const c of clients) for (let i = 0; i < 3; i++) c.ws.send(batch);
  // Give the server time to answer everything it is going to answer.
  await sleep(FULL ? 15_000 : 4_000);
  const served = await healthLatency(d.url);
  const peak = sampler.stop();
  for (const c of clients) c.ws.terminate();
  const codes = await Promise.all(clients.map((c) => c.closed));
  await sleep(1000);
  return { growthMb: peak - base, afterMb: d.rssMb() - base, served, codes };
}

describe('finding 4: reply amplification (a real devnet process, RSS from /proc)', () => {
  it('ten non-reading clients × 3 header batches: the batch is refused, RSS stays bounded, others are served', async () => {
    devnet = await startDevnetProcess();
    const calls = FULL ? 228_000 : 40_000;
    const { growthMb, afterMb, served } = await amplification(devnet, calls);
    process.stderr.write(`finding 4 (defaults): 10 non-readers x 3 batches of ${calls} chain_getHeader: RSS +${growthMb.toFixed(0)} MB at peak, +${afterMb.toFixed(0)} MB after, health answered in ${served.toFixed(0)} ms\n`);
    // What a reading client gets for the same batch: one error, not a 12 MB (74 MB at full scale) reply.
    const probe = await RawClient.connect(devnet.url);
    const answer = await probe.sendRaw(headerBatch(calls));
    expect(answer).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32010, message: 'The batch request was too large' } });
    await probe.close();
    // The old server queued every reply: +990 MB at this scale (+3 GB at the issue's). What is left is receiving the
    // 30 frames (at the issue's scale, 15.6 MB each: up to 64 MiB of them wait, the rest stay in the kernel).
    expect(growthMb).toBeLessThan(FULL ? 300 : 150);
    expect(served).toBeLessThan(2000);
  }, TIMEOUT);

  it('with batches allowed, the reply cap (−32008) and the per-connection and total unsent-byte caps bound RSS', async () => {
    devnet = await startDevnetProcess(['--rpc-max-batch-request-len', '1000000', '--rpc-max-buffered', '16', '--rpc-max-buffered-total', '64']);
    const calls = FULL ? 228_000 : 40_000;
    const probe = await RawClient.connect(devnet.url);
    // 10 000 headers (~3 MB) fit the 15 MiB reply cap.
    const small = (await probe.sendRaw(headerBatch(10_000))) as unknown[];
    expect(small).toHaveLength(10_000);
    // 60 000 headers (~17 MB) do not: the reply is checked as it is built, and refused whole.
    expect(await probe.sendRaw(headerBatch(60_000))).toMatchObject({ id: null, error: { code: -32011, message: 'The batch response was too large' } });
    await probe.close();
    // 40 000 headers (~13 MB) fit the reply cap: each client's queue passes 16 MiB on its second batch.
    const { growthMb, afterMb, served, codes } = await amplification(devnet, calls);
    process.stderr.write(`finding 4 (batches allowed): 10 non-readers x 3 batches of ${calls}: RSS +${growthMb.toFixed(0)} MB at peak, +${afterMb.toFixed(0)} MB after, health in ${served.toFixed(0)} ms\n`);
    // The server closed non-readers itself (cut at once: a close frame would queue unread behind their replies), and
    // never held more unsent bytes than the 64 MiB total.
    const held = [...devnet.stderr().matchAll(/closed a client that does not read its replies.*?(\d+) (?:unsent )?bytes/g)].map((m) => Number(m[1]));
    expect(Math.max(0, ...held)).toBeLessThanOrEqual(64 * MB);
    // At the issue's scale every reply is over the reply cap (−32011), so nothing piles up and nobody is closed.
    if (!FULL) {
      expect(held.length).toBeGreaterThan(0);
      expect(codes).toEqual(Array(10).fill(1006));
    }
    // The rest of the peak is the garbage of building 30 replies of 13 MB, which V8 collects when it chooses: measured
    // +341 to +473 MB over runs. The old server grew by +1134 MB at this scale, so the bound still tells them apart.
    expect(growthMb).toBeLessThan(600);
    expect(served).toBeLessThan(2000);
  }, TIMEOUT);

  it('100 unfinished 15 MB HTTP POSTs: refused past the total body cap and cut by the request timeout; RSS stays bounded', async () => {
    devnet = await startDevnetProcess(['--rpc-request-timeout', '3000']);
    const count = FULL ? 100 : 30;
    // Short of the declared 15 600 000 bytes: the request never ends.
    const bodyBytes = FULL ? 15_000_000 : 14 * MB;
    const base = devnet.rssMb();
    const sampler = sampleRss(devnet);
    const chunk = Buffer.alloc(MB, 0x20);
    const t0 = performance.now();
    const sockets = await Promise.all(Array.from({ length: count }, () => new Promise<{ socket: Socket; ended: Promise<number>; reply: () => string }>((resolve) => {
      const socket = connect(devnet!.port, '127.0.0.1', () => {
        socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${devnet!.port}\r\nContent-Type: application/json\r\nContent-Length: ${15_600_000}\r\n\r\n`);
        for (let sent = 0; sent < bodyBytes; sent += MB) socket.write(chunk.subarray(0, Math.min(MB, bodyBytes - sent)));
        resolve({ socket, ended, reply: () => reply });
      });
      let reply = '';
      socket.on('data', (d: Buffer) => { reply += d.toString('latin1'); });
      socket.on('error', () => {});
      const ended = new Promise<number>((r) => socket.once('close', () => r(performance.now() - t0)));
    })));
    const endedAt = await Promise.race([Promise.all(sockets.map((s) => s.ended)), sleep(20_000).then(() => null)]);
    const peak = sampler.stop();
    const served = await healthLatency(devnet.url);
    await sleep(1000);
    const after = devnet.rssMb();
    const statuses = sockets.map((s) => /^HTTP\/1\.1 (\d+)/.exec(s.reply())?.[1] ?? 'none');
    const tally = [...new Set(statuses)].map((st) => `${st}×${statuses.filter((x) => x === st).length}`).join(' ');
    process.stderr.write(`finding 4 (POST): ${count} unfinished ${(bodyBytes / 1e6).toFixed(1)} MB POSTs: RSS +${(peak - base).toFixed(0)} MB at peak, +${(after - base).toFixed(0)} MB after; all cut after ${endedAt === null ? 'never' : `${Math.max(...endedAt).toFixed(0)} ms`}; answers ${tally}; health in ${served.toFixed(0)} ms\n`);
    for (const s of sockets) s.socket.destroy();
    // The old server held every body: +420 MB at this scale, +1.5 GB at the issue's, and never cut them.
    expect(endedAt).not.toBeNull();
    expect(peak - base).toBeLessThan(250);
    expect(served).toBeLessThan(2000);
    expect(statuses.every((st) => st === '408' || st === '503' || st === '429' || st === 'none')).toBe(true);
  }, TIMEOUT);
});
