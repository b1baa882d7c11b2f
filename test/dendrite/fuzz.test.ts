import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Socket } from 'node:net';
import { createDendrite, type Dendrite } from '../../src/dendrite/index.js';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { rawServer, type TestServer } from './servers.js';

/*
 * Fuzz: raw TCP servers answer whatever fast-check makes up (random bytes, HTTP with random status, headers and body,
 * half a response then silence), eight axons per query through the real worker pool. Whatever they send, the query
 * resolves (never throws) by its deadline with one well-formed result per axon; a well-formed Dummy answer among the
 * noise is still read correctly.
 */

const AXON_HOTKEY = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const K = 8;
const TIMEOUT_S = 0.6;

type Behaviour =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'http'; status: number; headers: Array<[string, string]>; body: Uint8Array; lengthDelta: number }
  | { kind: 'partial'; bytes: Uint8Array }
  | { kind: 'dummy'; input: number };

const text = fc.string({ unit: 'binary', maxLength: 40 });
const headerName = fc.constantFrom('content-type', 'bt_header_axon_status_code', 'bt_header_axon_status_message', 'bt_header_axon_process_time',
  'bt_header_dendrite_nonce', 'location', 'transfer-encoding', 'connection', 'x-junk');
const headerValue = fc.oneof(text, fc.constantFrom('application/json', 'text/html', '200', '-1', '1e400', 'nan', 'chunked', 'close', '0.5'));
const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.json().map((j) => new TextEncoder().encode(j)),
  fc.record({ dummy_input: fc.integer(), dummy_output: fc.oneof(fc.integer(), fc.constant(null), fc.string()) }).map((o) => new TextEncoder().encode(JSON.stringify(o))),
);
const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 200 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('http' as const),
      status: fc.oneof(fc.constantFrom(200, 201, 204, 301, 302, 400, 401, 403, 404, 408, 422, 500, 503), fc.integer({ min: 100, max: 999 })),
      headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
      body,
      lengthDelta: fc.constantFrom(0, 0, 0, -1, 5),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partial' as const), bytes: fc.uint8Array({ maxLength: 50 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dummy' as const), input: fc.integer({ min: -1000, max: 1000 }) }) },
);

function respond(socket: Socket, b: Behaviour): void {
  if (b.kind === 'bytes') { socket.end(Buffer.from(b.bytes)); return; }
  if (b.kind === 'partial') { socket.write(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n'), Buffer.from(b.bytes)])); return; }
  if (b.kind === 'dummy') {
    const payload = JSON.stringify({ dummy_input: b.input, dummy_output: 2 * b.input });
    socket.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nbt_header_axon_status_code: 200\r\n\r\n${payload}`);
    return;
  }
  const head = [`HTTP/1.1 ${b.status} X`, ...b.headers.map(([k, v]) => `${k}: ${v}`), `content-length: ${Math.max(0, b.body.length + b.lengthDelta)}`, '', ''].join('\r\n');
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(b.body)]));
}

let dendrite: Dendrite;
const servers: TestServer[] = [];
const current: Behaviour[] = [];

beforeAll(async () => {
  for (let i = 0; i < K; i++) {
    servers.push(await rawServer((socket) => respond(socket, current[i] ?? { kind: 'bytes', bytes: new Uint8Array() })));
  }
  // No breakers in the way: every run must dial every server.
  dendrite = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 2, allowPrivate: true, breakerThreshold: 1_000_000, maxResponseBytes: 4096 });
});
afterAll(async () => {
  await dendrite.close();
  for (const s of servers) await s.close();
});

describe('dendrite fuzz', () => {
  it('never throws and returns one well-formed result per axon by the deadline, whatever the servers send', async () => {
    await fc.assert(fc.asyncProperty(fc.array(behaviour, { minLength: K, maxLength: K }), async (bs) => {
      current.splice(0, K, ...bs);
      const axons = servers.map((s, uid) => ({ ip: '127.0.0.1', port: s.port, hotkey: AXON_HOTKEY, uid }));
      const t0 = performance.now();
      const results = await dendrite.query(axons, DUMMY_SPEC, { dummy_input: 3 }, { timeout: TIMEOUT_S });
      const took = performance.now() - t0;
      expect(took).toBeLessThan(TIMEOUT_S * 1000 + 1_500);
      expect(results).toHaveLength(K);
      results.forEach((r, i) => {
        const b = bs[i]!;
        expect(r.uid).toBe(i);
        expect(Number.isInteger(r.status)).toBe(true);
        expect(r.message === null || (typeof r.message === 'string' && r.message.length <= 1001)).toBe(true);
        expect(r.processTime === null || (r.processTime >= 0 && r.processTime < TIMEOUT_S + 1)).toBe(true);
        if (r.failure !== null) expect(r.fields).toBeNull();
        if (r.fields !== null) expect(Object.keys(r.fields).sort()).toEqual(['dummy_input', 'dummy_output']);
        // Oracles for the behaviours whose outcome is known independently of the code under test.
        if (b.kind === 'dummy') expect(r).toMatchObject({ status: 200, failure: null, fields: { dummy_input: b.input, dummy_output: 2 * b.input } });
        if (b.kind === 'partial') expect(r).toMatchObject({ status: 408, failure: 'timeout', processTime: null });
        if (b.kind === 'bytes' && b.bytes.length === 0) expect(r).toMatchObject({ status: 503, failure: 'disconnected' });
        if (b.kind === 'http' && b.status >= 300 && b.status < 400 && b.lengthDelta === 0) expect(r.status === b.status || r.failure !== null).toBe(true);
      });
    }), { numRuns: 25, seed: 8 });
  });
});
