import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';
import { AcceptPriority } from '../../src/miner/admission.js';
import { Turns } from '../../src/miner/fairness.js';
import { dummyHandler, startAxon } from '../../src/miner/index.js';

/*
 * Accepting connections goes before the header-check turns (issue 15, "done means" 3): libuv accepts one connection
 * per pass of the event loop, so a caller behind a burst waits for as many passes as there are connections ahead of it,
 * and each pass must stay short while connections are pending.
 */

describe('AcceptPriority', () => {
  it('makes each piece of work yield its pass while connections are accepted, at most maxYields passes in a row', () => {
    const p = new AcceptPriority(3);
    const a = p.yielder();
    const b = p.yielder();
    expect(a()).toBe(false);
    p.noteAccept();
    // Each piece of work has its own view of the accepts.
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

describe('Turns with a yield check', () => {
  it('grants no turn in a pass that must yield, and grants them again, in order, once it need not', async () => {
    let busy = 5;
    let asked = 0;
    const t = new Turns(() => { asked++; return busy-- > 0; });
    const order: number[] = [];
    // The first turn is granted at once (nobody held one); the next ones wait for passes that do not yield.
    const all = [0, 1, 2].map((i) => t.turn().then(() => order.push(i)));
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2]);
    // Five passes gave way before the second turn was granted.
    expect(asked).toBeGreaterThanOrEqual(7);
  });
});

/*
 * The burst comes from a child process while this process's event loop is held, so that every connection is in the
 * kernel's accept queue, its request sent, before the axon accepts any. N unsigned `POST /Dummy` requests (each needs
 * a header-check turn, then gets 500) go first; once they are all connected, one `GET /NoSuchSynapse` (404, no turn).
 * The child creates a file once every request is written (this process cannot read a pipe while it is held), then
 * prints how many 500s it had received when the 404 came back.
 */
const BURST_CHILD = `
const net = require('node:net');
const fs = require('node:fs');
const [port, n] = process.argv.slice(1, 3).map(Number);
const flag = process.argv[3];
let answered = 0, connected = 0, before404 = -1, done = 0;
const finish = () => { if (++done === n + 1) process.stdout.write(JSON.stringify({ before404, answered }) + '\\n'); };
const body = '{}';
for (let i = 0; i < n; i++) {
  const s = net.connect(port, '127.0.0.1');
  s.once('data', (d) => { if (d.toString('latin1').startsWith('HTTP/1.1 500')) answered++; s.destroy(); finish(); });
  s.on('error', () => undefined);
  s.once('connect', () => { if (++connected === n) probe(); });
  s.write('POST /Dummy HTTP/1.1\\r\\nhost: x\\r\\ncontent-type: application/json\\r\\ncontent-length: 2\\r\\n\\r\\n' + body);
}
function probe() {
  const s = net.connect(port, '127.0.0.1');
  s.once('data', (d) => { before404 = d.toString('latin1').startsWith('HTTP/1.1 404') ? answered : -2; s.destroy(); finish(); });
  s.write('GET /NoSuchSynapse HTTP/1.1\\r\\nhost: x\\r\\n\\r\\n', () => fs.writeFileSync(flag, ''));
}
`;

describe('the axon accepts a burst before it spends turns on it', () => {
  it('a 404 queued behind 300 connections that each need a header-check turn is answered before nearly all of them', async () => {
    const key = await loadKey({ uri: '//Bob' }, { dev: true });
    const axon = await startAxon({ key, port: 0, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }], log: () => undefined });
    const n = 300;
    const flag = join(mkdtempSync(join(tmpdir(), 'yumaval-burst-')), 'written');
    try {
      const child = spawn(process.execPath, ['-e', BURST_CHILD, String(axon.port), String(n), flag], { stdio: ['ignore', 'pipe', 'inherit'] });
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      // Hold this loop until the whole burst is queued in the kernel (at most 20 s, for a machine too loaded to start
      // a child sooner).
      const end = performance.now() + 20_000;
      while (!existsSync(flag) && performance.now() < end);
      expect(existsSync(flag)).toBe(true);
      const out = JSON.parse((await lines.next()).value as string) as { before404: number; answered: number };
      expect(out.answered).toBe(n);
      // One turn per pass, as before this, would answer about n − 1 of the 500s first. Now the turns wait while
      // connections are accepted (at most 256 passes in a row), so at most one or two get in before the 404.
      expect(out.before404).toBeGreaterThanOrEqual(0);
      expect(out.before404).toBeLessThan(n / 10);
    } finally {
      rmSync(dirname(flag), { recursive: true, force: true });
      await axon.close();
    }
  });
});
