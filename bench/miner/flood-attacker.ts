// The hostile client of the miner flood benchmark (issue 15, findings 1 and 2), in its own process so that its work
// does not share the prober's event loop. Usage:
//   node --import tsx bench/miner/flood-attacker.ts <port> <hotkey> <mode> <connections> [declared] [sent]
// Modes:
// - unsigned: <connections> sockets each send `POST /Dummy` with Content-Length <declared>, then <sent> bytes of
//   body, then stall (the socket stays open, nothing more is written): the probe of finding 1.
// - signed: the same, but each request carries a valid signature by a throwaway key (//Eve, one uuid per socket), so
//   it passes the header checks and the axon must buffer its body.
// - bigint: <connections> signed requests whose dummy_input is an integer of <declared> digits (finding 2), sent
//   whole; the status of each answer is counted.
// - floats: <connections> signed requests of <declared> bytes, most of it an extra field holding a list of floats (the
//   most expensive body to parse per byte), sent whole.
// Prints one JSON line when every socket has sent all it will send (or was closed by the miner), then holds the
// sockets open until stdin closes; then prints what became of them (answers by status, sockets closed by the miner
// before all was sent, sockets still open) and exits. "Sent" counts bytes handed to the kernel, whose loopback buffers
// take a megabyte or more per socket whether the miner reads them or not.
import { connect, type Socket } from 'node:net';
import { DUMMY_SPEC, buildRequest, createNonceClock, signerFromPair } from '../../src/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';

const [port, hotkey, mode, n, declaredArg, sentArg] = process.argv.slice(2);
const connections = Number(n ?? '1000');
const declared = Number(declaredArg ?? '1048001');
const sent = Number(sentArg ?? '1048000');
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

const eve = await loadKey({ uri: '//Eve' }, { dev: true });
const clock = createNonceClock();
const signer = signerFromPair(eve.pair);

function signedHeaders(i: number, input: number | bigint): { headers: Record<string, string>; body: string } {
  const r = buildRequest(DUMMY_SPEC, { dummy_input: input }, { ip: '127.0.0.1', port: Number(port), hotkey: hotkey! },
    { signer, uuid: `flood-${i}`, nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
  return { headers: r.headers, body: r.body };
}

function head(headers: Record<string, string>, length: number): string {
  const lines = [`POST /Dummy HTTP/1.1`, `host: 127.0.0.1:${port}`, 'content-type: application/json', `content-length: ${length}`];
  for (const [k, v] of Object.entries(headers)) if (k !== 'content-length' && k !== 'content-type') lines.push(`${k}: ${v}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const sockets: Socket[] = [];
let closedEarly = 0;
let bytesWritten = 0;
const statuses: Record<string, number> = {};

/** Writes `total` bytes with backpressure; resolves when written or when the miner closed the socket. */
function stream(s: Socket, total: number): Promise<void> {
  return new Promise((resolve) => {
    let left = total;
    let done = false;
    const finish = (): void => { if (!done) { done = true; resolve(); } };
    s.once('close', () => { if (left > 0) closedEarly++; finish(); });
    const pump = (): void => {
      while (left > 0 && !s.destroyed) {
        const c = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
        left -= c.length;
        bytesWritten += c.length;
        if (!s.write(c)) { s.once('drain', pump); return; }
      }
      finish();
    };
    pump();
  });
}

async function open(i: number): Promise<void> {
  const s = connect(Number(port), '127.0.0.1');
  sockets.push(s);
  s.on("error", (e) => { if (process.env.DEBUG_FLOOD) process.stderr.write(`error ${String(e)}\n`); });
  s.on("end", () => { if (process.env.DEBUG_FLOOD) process.stderr.write("end\n"); });
  s.on("data", (d: Buffer) => { if (process.env.DEBUG_FLOOD) process.stderr.write(`got ${d.length} ${d.toString("latin1").slice(0, 40)}\n`);
    const m = /^HTTP\/1\.1 (\d{3})/.exec(d.toString('latin1'));
    if (m !== null) statuses[m[1]!] = (statuses[m[1]!] ?? 0) + 1;
  });
  await new Promise<void>((resolve) => { s.once('connect', resolve); s.once('close', () => resolve()); });
  if (s.destroyed) return;
  if (mode === 'bigint' || mode === 'floats') {
    const r = signedHeaders(i, 1);
    // bigint: dummy_input of <declared> digits; floats: an extra field of floats making the body <declared> bytes.
    const payload = mode === 'bigint' ? `${'7'}${'3'.repeat(declared - 1)}` : `1, "pad": [${Array(Math.floor((declared - r.body.length) / 5)).fill('1.5').join(', ')}]`;
    const body = r.body.replace('"dummy_input": 1', `"dummy_input": ${payload}`);
    s.write(head(r.headers, Buffer.byteLength(body)));
    s.write(body);
    return;
  }
  s.write(head(mode === 'signed' ? signedHeaders(i, 1).headers : {}, declared));
  await stream(s, sent);
}

await Promise.all(Array.from({ length: connections }, (_, i) => open(i)));
if (mode === 'bigint' || mode === 'floats') {
  const deadline = Date.now() + 60_000;
  while (Object.values(statuses).reduce((a, b) => a + b, 0) < connections && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(`${JSON.stringify({ sent: bytesWritten })}\n`);
process.stdin.resume();
process.stdin.on('close', () => {
  // What the miner did with the sockets: answered (by status), closed before all was sent, or still open.
  const open = sockets.filter((s) => !s.destroyed).length;
  process.stdout.write(`${JSON.stringify({ connections, bytesWritten, closedEarly, stillOpen: open, statuses })}\n`);
  for (const s of sockets) s.destroy();
  process.exit(0);
});
