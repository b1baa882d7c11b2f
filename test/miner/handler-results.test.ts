import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DUMMY_SPEC, buildRequest, createNonceClock, parseResponse, signerFromPair, type BuiltRequest,
} from '../../src/protocol/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { startAxon, type AxonHandle, type HandlerResult } from '../../src/miner/index.js';
import { NonceStore } from '../../src/miner/nonce-store.js';
import { PriorityGate } from '../../src/miner/priority-gate.js';

/* The handler results the task's miner profiles use, and the axon's priority gate. */

let alice: LoadedKey;
let bob: LoadedKey;
let axon: AxonHandle;
const clock = createNonceClock();
// The handler's answer is chosen per request by dummy_input, an index into this table.
const plan: HandlerResult[] = [
  { kind: 'status', status: 503, message: 'busy' },
  { kind: 'raw', status: 200, contentType: 'text/plain', body: 'not json' },
  { kind: 'hang' },
  { kind: 'delay', ms: 300, then: { kind: 'fields', fields: { dummy_output: 7 } } },
  { kind: 'fields', fields: { nope: 1 } },
  { kind: 'fields', fields: { dummy_output: 'seven' } },
  { kind: 'raw', status: 200, contentType: 'application/json', body: new Uint8Array([0x7b, 0x7d]) },
];

beforeAll(async () => {
  [alice, bob] = (await Promise.all(['//Alice', '//Bob'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey];
  axon = await startAxon({
    key: bob, port: 0, log: () => {},
    synapses: [{ spec: DUMMY_SPEC, handler: (r) => {
      const i = Number(r.fields.dummy_input);
      if (i === 99) throw new Error('handler bug');
      return plan[i]!;
    } }],
  });
});
afterAll(async () => { await axon.close(); });

function build(i: number, port = axon.port, timeoutSeconds = 12): BuiltRequest {
  return buildRequest(DUMMY_SPEC, { dummy_input: i }, { ip: '127.0.0.1', port, hotkey: bob.address },
    { signer: signerFromPair(alice.pair), uuid: 'u-results', nonce: clock.next(), timeoutSeconds, externalIp: '127.0.0.1' });
}

async function call(b: BuiltRequest, signal?: AbortSignal): Promise<{ status: number; body: string; headers: Record<string, string> }> {
  const res = await fetch(b.url, { method: 'POST', headers: b.headers, body: b.body, signal });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return { status: res.status, body: await res.text(), headers };
}

describe('handler results', () => {
  it('status: that HTTP status, {"message"}, and the status in the bt_header_axon_* headers', async () => {
    const r = await call(build(0));
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({ message: 'busy' });
    expect(r.headers.bt_header_axon_status_code).toBe('503');
    expect(parseResponse(DUMMY_SPEC, r.status, r.headers, r.body)).toMatchObject({ status: 503, message: 'busy', fields: null });
  });

  it('raw: exactly those bytes; the dendrite reads them as 422', async () => {
    const r = await call(build(1));
    expect(r.status).toBe(200);
    expect(r.body).toBe('not json');
    expect(parseResponse(DUMMY_SPEC, r.status, r.headers, r.body).status).toBe(422);
    const r2 = await call(build(6));
    expect(r2.body).toBe('{}');
    expect(parseResponse(DUMMY_SPEC, r2.status, r2.headers, r2.body).status).toBe(422);
  });

  it('hang: no answer until the client gives up; the axon keeps serving', async () => {
    const t0 = performance.now();
    await expect(call(build(2), AbortSignal.timeout(300))).rejects.toThrow();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect((await call(build(3))).status).toBe(200);
  });

  it('delay: answers after the delay', async () => {
    const t0 = performance.now();
    const r = await call(build(3));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
    expect(JSON.parse(r.body).dummy_output).toBe(7);
  });

  it.each([[4, 'an unknown output field'], [5, 'a wrongly typed output'], [99, 'a handler that throws']])('%s (%s) is 500 "Internal Server Error #id"', async (i) => {
    const r = await call(build(i));
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).message).toMatch(/^Internal Server Error #/);
  });

  it('close() ends hung requests', async () => {
    const other = await startAxon({ key: bob, port: 0, log: () => {}, synapses: [{ spec: DUMMY_SPEC, handler: () => ({ kind: 'hang' }) }] });
    const pending = call(build(0, other.port)).then(() => 'answered', () => 'closed');
    await new Promise((r) => setTimeout(r, 100));
    await other.close();
    expect(await pending).toBe('closed');
  });
});

describe('non-finite outputs, as FastAPI serializes them (pydantic 2.13 model_dump(mode="json"), then allow_nan=False)', () => {
  const SPEC = { name: 'Floats', fields: { q: { type: 'int', required: true }, l: { type: 'list', required: false, default: null }, f: { type: 'float', required: false, default: null } }, requiredHashFields: [] } as const;
  it('NaN and ±inf inside a list become null (200); in a typed float field the reply fails (500)', async () => {
    const a = await startAxon({
      key: bob, port: 0, log: () => {},
      synapses: [{ spec: SPEC, handler: (r) => ({ kind: 'fields', fields: r.fields.q === 0 ? { l: [1.5, NaN, [-Infinity]], f: 0.5 } : { f: NaN } }) }],
    });
    try {
      const req = (q: number): BuiltRequest => buildRequest(SPEC, { q }, { ip: '127.0.0.1', port: a.port, hotkey: bob.address },
        { signer: signerFromPair(alice.pair), uuid: 'u-nan', nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
      const ok = await call(req(0));
      expect(ok.status).toBe(200);
      expect(ok.body).toContain('"l":[1.5,null,[null]],"f":0.5');
      const bad = await call(req(1));
      expect(bad.status).toBe(500);
    } finally {
      await a.close();
    }
  });
});

describe('priority gate', () => {
  it('a request that waits longer than its timeout is 408; beyond the queue, 503', async () => {
    const busy = await startAxon({
      key: bob, port: 0, log: () => {}, maxConcurrent: 1, maxQueue: 1,
      synapses: [{ spec: DUMMY_SPEC, handler: () => ({ kind: 'delay', ms: 1500, then: { kind: 'fields', fields: { dummy_output: 1 } } }) }],
    });
    try {
      const until = async (f: () => boolean): Promise<void> => { while (!f()) await new Promise((r) => setTimeout(r, 10)); };
      const holder = call(build(0, busy.port));
      await until(() => busy.load().active === 1);
      const waiter = call(build(0, busy.port, 0.3));
      await until(() => busy.load().queued === 1);
      const refused = await call(build(0, busy.port));
      expect(refused.status).toBe(503);
      const w = await waiter;
      expect(w.status).toBe(408);
      expect(JSON.parse(w.body).message).toBe('Response timeout after: 0.3s');
      expect((await holder).status).toBe(200);
    } finally {
      await busy.close();
    }
  });

  it('serves the highest priority first, first come among equals', async () => {
    const gate = new PriorityGate(1, 10);
    const ac = new AbortController();
    const first = await gate.acquire(0, 10_000, '10', ac.signal);
    const order: string[] = [];
    const wait = (name: string, p: number): Promise<void> => gate.acquire(p, 10_000, '10', ac.signal).then((rel) => {
      order.push(name);
      if (typeof rel === 'function') rel();
    });
    const all = Promise.all([wait('low', 1), wait('high', 5), wait('low2', 1), wait('mid', 3)]);
    if (typeof first === 'function') first();
    await all;
    expect(order).toEqual(['high', 'mid', 'low', 'low2']);
    expect(gate.active).toBe(0);
  });
});

describe('nonce store', () => {
  it('keeps at most its capacity, forgetting the least recently used', () => {
    const s = new NonceStore(2);
    s.set('a', 1n);
    s.set('b', 2n);
    s.set('a', 3n);
    s.set('c', 4n);
    expect(s.get('b')).toBeUndefined();
    expect(s.get('a')).toBe(3n);
    expect(s.size).toBe(2);
  });
});
