// A farm of reference axons for the dendrite benchmark, in its own process so that their work (verifying sr25519
// signatures, SHA3 body hashes, JSON) does not share the dendrite's event loop. Usage:
//   node --import tsx bench/dendrite/axon-farm.ts <count> <hanging> [stub]
// Starts <count> axons on 127.0.0.1 (ports chosen by the system), all with the //Bob hotkey and the Dummy route; the
// first <hanging> never answer. With `stub`, the axons are bare node:http servers that answer every request with the
// Dummy result and the axon's success headers without verifying anything: a measure of the dendrite's own cost.
// A line "cpu" on stdin makes it print its CPU time so far; stdin closing stops it. Prints one JSON line {"ports":[...],"hotkey":"..."} on stdout when all listen, and
// stops when stdin closes (the parent exiting or closing it).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { loadKey } from '../../src/keys/index.js';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { dummyHandler, startAxon, type AxonHandle, type Handler } from '../../src/miner/index.js';

const count = Number(process.argv[2] ?? '256');
const hanging = Number(process.argv[3] ?? '0');
const stub = process.argv[4] === 'stub';
const hang: Handler = () => ({ kind: 'hang' });
const key = await loadKey({ uri: '//Bob' }, { dev: true });
const HEADERS = { 'content-type': 'application/json', bt_header_axon_status_code: '200', bt_header_axon_status_message: 'Success', bt_header_axon_process_time: '0.0001' };

async function stubServer(hangs: boolean): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (hangs) return;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      res.writeHead(200, HEADERS);
      res.end(JSON.stringify({ ...body, dummy_output: 2 * (body['dummy_input'] as number) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const ports: number[] = [];
const closers: Array<() => Promise<void>> = [];
for (let i = 0; i < count; i++) {
  if (stub) {
    const s = await stubServer(i < hanging);
    ports.push((s.address() as AddressInfo).port);
    closers.push(() => { s.closeAllConnections(); return new Promise<void>((r) => s.close(() => r())); });
  } else {
    const a: AxonHandle = await startAxon({ key, port: 0, synapses: [{ spec: DUMMY_SPEC, handler: i < hanging ? hang : dummyHandler }], log: () => undefined });
    ports.push(a.port);
    closers.push(() => a.close());
  }
}
process.stdout.write(`${JSON.stringify({ ports, hotkey: key.address })}\n`);
// A line "cpu" on stdin asks for this process's CPU time so far (µs), answered as one JSON line.
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') process.stdout.write(`${JSON.stringify(process.cpuUsage())}\n`);
});
process.stdin.on('close', () => {
  void Promise.all(closers.map((c) => c())).then(() => process.exit(0));
});
