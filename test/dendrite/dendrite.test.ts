import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sr25519Verify, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { createDendrite, type Dendrite } from '../../src/dendrite/index.js';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { closedPort, httpServer, rawServer, type TestServer } from './servers.js';

/*
 * The fan-out through the real piscina pool (workers load worker.ts through tsx). The servers here are plain
 * node:http stand-ins with fixed behaviours; the reference axon's interop test is in interop.test.ts.
 */

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const AXON_HOTKEY = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty'; // //Bob

let dendrite: Dendrite;
const servers: TestServer[] = [];
async function track(s: Promise<TestServer>): Promise<TestServer> {
  const t = await s;
  servers.push(t);
  return t;
}
const axon = (s: TestServer, uid?: number) => ({ ip: '127.0.0.1', port: s.port, hotkey: AXON_HOTKEY, ...(uid === undefined ? {} : { uid }) });

/** A Dummy-answering server: checks the signature itself (independently of src/protocol) and doubles the input. */
async function dummyServer(delayMs = 0): Promise<TestServer & { counts: { verified: number; bad: number } }> {
  await cryptoWaitReady();
  const counts = { verified: 0, bad: 0 };
  const s = await track(httpServer((req, res, body) => {
    const h = req.headers as Record<string, string>;
    const message = `${h['bt_header_dendrite_nonce']}.${h['bt_header_dendrite_hotkey']}.${h['bt_header_axon_hotkey']}.${h['bt_header_dendrite_uuid']}.${h['computed_body_hash']}`;
    const ok = sr25519Verify(message, h['bt_header_dendrite_signature'] ?? '', decodeAddress(ALICE));
    if (ok) counts.verified++; else counts.bad++;
    const input = (JSON.parse(body) as { dummy_input: number }).dummy_input;
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json', bt_header_axon_process_time: '0.25', bt_header_axon_status_code: '200', bt_header_axon_status_message: 'Success' });
      res.end(JSON.stringify({ ...JSON.parse(body), dummy_output: input * 2 }));
    }, delayMs);
  }));
  return Object.assign(s, { counts });
}

beforeAll(async () => {
  dendrite = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 2, allowPrivate: true, timeout: 5, breakerThreshold: 2, breakerCoolDownMs: 60_000 });
});
afterAll(async () => {
  await dendrite.close();
  for (const s of servers) await s.close();
});

describe('createDendrite', () => {
  it('signs with the loaded hotkey and returns results in input order', async () => {
    expect(dendrite.hotkey).toBe(ALICE);
    const fast = await dummyServer();
    const slow = await dummyServer(150);
    const axons = Array.from({ length: 12 }, (_, i) => axon(i % 3 === 0 ? slow : fast, 100 + i));
    const inputs = axons.map((_, i) => ({ dummy_input: i }));
    const results = await dendrite.query(axons, DUMMY_SPEC, inputs);
    expect(results.map((r) => r.fields?.['dummy_output'])).toEqual(inputs.map((x) => x.dummy_input * 2));
    expect(results.map((r) => r.uid)).toEqual(axons.map((a) => a.uid));
    for (const r of results) {
      expect(r).toMatchObject({ status: 200, message: 'Success', failure: null, axonProcessTime: 0.25 });
      expect(r.processTime).toBeGreaterThan(0);
      expect(r.processTime).toBeLessThan(5);
    }
    expect(fast.counts.verified + slow.counts.verified).toBe(12);
    expect(fast.counts.bad + slow.counts.bad).toBe(0);
  });

  it('maps every kind of failing server to its status, and good ones still answer, in order', async () => {
    const good = await dummyServer();
    const hang = await track(httpServer(() => undefined));
    const e500 = await track(httpServer((_q, res) => { res.writeHead(500, { 'content-type': 'application/json' }); res.end('{"message":"Internal Server Error #1"}'); }));
    const html = await track(httpServer((_q, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<html>'); }));
    const huge = await track(httpServer((_q, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(`{"dummy_output":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`); }));
    const reset = await track(rawServer((socket) => socket.resetAndDestroy()));
    const redirect = await track(httpServer((_q, res) => { res.writeHead(302, { location: 'http://169.254.169.254/' }); res.end(); }));
    const refused = { ip: '127.0.0.1', port: await closedPort(), hotkey: AXON_HOTKEY };
    const axons = [axon(good), axon(hang), axon(e500), axon(html), axon(huge), axon(reset), axon(redirect), refused, axon(good)];
    const t0 = performance.now();
    const r = await dendrite.query(axons, DUMMY_SPEC, { dummy_input: 21 }, { timeout: 1 });
    const took = performance.now() - t0;
    expect(r.map((x) => [x.status, x.failure])).toEqual([
      [200, null], [408, 'timeout'], [500, null], [422, 'parse'], [400, 'too-large'], [503, 'disconnected'], [302, 'redirect'],
      [503, 'refused'], [200, null],
    ]);
    expect(r[0]!.fields).toEqual({ dummy_input: 21, dummy_output: 42 });
    expect(r[1]!.message).toBe('Request timeout after 1.0 seconds');
    expect(r[1]!.processTime).toBeNull();
    expect(r[2]!.message).toBe('Internal Server Error #1');
    expect(r[7]!.message).toBe(`Service unavailable at 127.0.0.1:${refused.port}/Dummy`);
    // The whole query ends at its deadline, not later.
    expect(took).toBeGreaterThanOrEqual(950);
    expect(took).toBeLessThan(3_000);
  });

  it('throws only for the caller: bad input, mismatched inputs, bad timeout, and after close', async () => {
    const a = [{ ip: '127.0.0.1', port: 1, hotkey: AXON_HOTKEY }];
    await expect(dendrite.query(a, DUMMY_SPEC, { dummy_input: 'x' })).rejects.toMatchObject({ code: 'ERR_SYNAPSE_INPUT' });
    await expect(dendrite.query(a, DUMMY_SPEC, { nope: 1 })).rejects.toMatchObject({ code: 'ERR_SYNAPSE_INPUT' });
    await expect(dendrite.query(a, DUMMY_SPEC, [{ dummy_input: 1 }, { dummy_input: 2 }])).rejects.toMatchObject({ code: 'ERR_DENDRITE_QUERY' });
    await expect(dendrite.query(a, DUMMY_SPEC, { dummy_input: 1 }, { timeout: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION' });
    expect(await dendrite.query([], DUMMY_SPEC, { dummy_input: 1 })).toEqual([]);
  });

  it('refuses untrusted axon data without dialing: bad ports, missing hotkeys, non-IP text', async () => {
    const r = await dendrite.query([
      { ip: '127.0.0.1', port: 0, hotkey: AXON_HOTKEY },
      { ip: '127.0.0.1', port: 70000, hotkey: AXON_HOTKEY },
      { ip: 'localhost', port: 80, hotkey: AXON_HOTKEY },
      { ip: '224.0.0.1', port: 80, hotkey: AXON_HOTKEY, uid: 7 },
      { ip: '127.0.0.1', port: 80 } as never,
    ], DUMMY_SPEC, { dummy_input: 1 });
    for (const x of r) expect(x).toMatchObject({ status: 503, failure: 'policy', processTime: null, fields: null });
    expect(r[2]!.message).toMatch(/not an IPv4 or IPv6 address\); not dialed$/);
    expect(r[3]!.uid).toBe(7);
  });

  it('opens the breaker of an axon that keeps failing and stops dialing it', async () => {
    let hits = 0;
    const down = await track(httpServer(() => { hits++; }));
    const a = [axon(down)];
    expect((await dendrite.query(a, DUMMY_SPEC, { dummy_input: 1 }, { timeout: 0.3 }))[0]).toMatchObject({ status: 408 });
    expect(dendrite.breakerState('127.0.0.1', down.port)).toBe('closed');
    expect((await dendrite.query(a, DUMMY_SPEC, { dummy_input: 1 }, { timeout: 0.3 }))[0]).toMatchObject({ status: 408 });
    expect(dendrite.breakerState('127.0.0.1', down.port)).toBe('open');
    const t0 = performance.now();
    const third = (await dendrite.query(a, DUMMY_SPEC, { dummy_input: 1 }, { timeout: 0.3 }))[0]!;
    expect(performance.now() - t0).toBeLessThan(250);
    expect(third).toMatchObject({ status: 503, failure: 'breaker' });
    expect(third.message).toMatch(/circuit open \(2 consecutive failures; next trial in \d+ s\); not dialed/);
    expect(hits).toBe(2);
  });
});

describe('createDendrite without allowPrivate', () => {
  it('does not dial a loopback axon, and says why', async () => {
    let hits = 0;
    const s = await track(httpServer((_q, res) => { hits++; res.end('{}'); }));
    const d = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 1 });
    try {
      const [r] = await d.query([axon(s)], DUMMY_SPEC, { dummy_input: 1 });
      expect(r).toMatchObject({ status: 503, failure: 'policy' });
      expect(r!.message).toBe(`Service unavailable at 127.0.0.1:${s.port}/Dummy: address refused by policy ("127.0.0.1" is loopback (127.0.0.0/8); set allowPrivate to dial it); not dialed`);
      expect(hits).toBe(0);
    } finally {
      await d.close();
    }
    await expect(d.query([], DUMMY_SPEC, { dummy_input: 1 })).rejects.toMatchObject({ code: 'ERR_DENDRITE_CLOSED' });
  });

  it('checks its options and the key before starting workers', async () => {
    await expect(createDendrite({ key: { uri: '//Alice' } })).rejects.toMatchObject({ code: 'ERR_KEY' });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, timeout: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTION', message: expect.stringMatching(/option timeout/) });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 0 })).rejects.toMatchObject({ message: expect.stringMatching(/option workers/) });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, maxResponseBytes: 1.5 })).rejects.toMatchObject({ message: expect.stringMatching(/option maxResponseBytes/) });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, allowPrivate: 'yes' as never })).rejects.toMatchObject({ message: expect.stringMatching(/option allowPrivate/) });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, colour: 1 } as never)).rejects.toMatchObject({ message: expect.stringMatching(/option colour: is not a dendrite option \(expected one of key, dev, workers/) });
    await expect(createDendrite({ key: { secret: 'abandon' } as never })).rejects.toMatchObject({ message: 'option key: expected exactly one of { file: path }, { env: NAME } or { uri: "//Name" } (the value given is not shown)' });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, workerYoungGenerationMb: -1 })).rejects.toMatchObject({ message: expect.stringMatching(/option workerYoungGenerationMb: expected an integer/) });
    await expect(createDendrite({ key: { uri: '//Alice' }, dev: true, workerOldGenerationMb: 0.5 })).rejects.toMatchObject({ message: expect.stringMatching(/option workerOldGenerationMb/) });
  });
});
