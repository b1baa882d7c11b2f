import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUMMY_SPEC, buildRequest, createNonceClock, signerFromPair, type SynapseSpec } from '../../src/protocol/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { dummyHandler, startAxon, type AxonHandle } from '../../src/miner/index.js';

/*
 * Hostile callers: valid requests with random headers replaced, added or dropped and random bodies. The axon must
 * answer every one with one of the statuses of its pipeline, never hit its catch-all, and keep serving.
 */

const HASHED: SynapseSpec = { name: 'Hashed', fields: { text: { type: 'str', required: true }, n: { type: 'int', required: false, default: 0 } }, requiredHashFields: ['text', 'n'] };
const HEADERS = ['name', 'timeout', 'bt_header_axon_ip', 'bt_header_axon_port', 'bt_header_axon_hotkey', 'bt_header_dendrite_ip', 'bt_header_dendrite_version',
  'bt_header_dendrite_nonce', 'bt_header_dendrite_uuid', 'bt_header_dendrite_hotkey', 'bt_header_dendrite_signature', 'bt_header_input_obj_text',
  'header_size', 'total_size', 'computed_body_hash', 'content-type'];
const clock = createNonceClock();
const unexpected: string[] = [];
let alice: LoadedKey;
let bob: LoadedKey;
let axon: AxonHandle;

beforeAll(async () => {
  [alice, bob] = (await Promise.all(['//Alice', '//Bob'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey];
  axon = await startAxon({
    key: bob, port: 0, maxBodyBytes: 4096,
    log: (line) => { if (line.includes('unexpected')) unexpected.push(line); },
    synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }, { spec: HASHED, handler: (r) => ({ kind: 'fields', fields: { n: String(r.fields.text).length } }) }],
  });
});
afterAll(async () => { await axon.close(); });

describe('the axon under random requests', () => {
  it('answers every one with a pipeline status and keeps serving', async () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    await fc.assert(fc.asyncProperty(
      fc.boolean(),
      fc.dictionary(fc.constantFrom(...HEADERS), fc.option(printable, { nil: null }), { maxKeys: 4 }),
      fc.option(fc.oneof(printable, fc.json(), fc.string({ maxLength: 6000 })), { nil: undefined }),
      fc.constantFrom('POST', 'GET', 'PUT'),
      async (hashed, changes, body, method) => {
        const spec = hashed ? HASHED : DUMMY_SPEC;
        const r = buildRequest(spec, hashed ? { text: 'abc' } : { dummy_input: 2 }, { ip: '127.0.0.1', port: axon.port, hotkey: bob.address },
          { signer: signerFromPair(alice.pair), uuid: 'fuzz', nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
        const headers: Record<string, string> = { ...r.headers };
        for (const [k, v] of Object.entries(changes)) {
          if (v === null) delete headers[k];
          else headers[k] = v;
        }
        const res = await fetch(r.url, { method, headers, body: method === 'GET' ? undefined : body ?? r.body });
        await res.arrayBuffer();
        expect([200, 401, 403, 404, 405, 408, 413, 500]).toContain(res.status);
        if (Object.keys(changes).length === 0 && body === undefined && method === 'POST') expect(res.status).toBe(200);
      },
    ), { numRuns: 150 });
    expect(unexpected).toEqual([]);
    const ok = buildRequest(DUMMY_SPEC, { dummy_input: 4 }, { ip: '127.0.0.1', port: axon.port, hotkey: bob.address },
      { signer: signerFromPair(alice.pair), uuid: 'after', nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
    expect((await fetch(ok.url, { method: 'POST', headers: ok.headers, body: ok.body })).status).toBe(200);
  }, 60_000);
});
