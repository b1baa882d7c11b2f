import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, sr25519Verify } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DUMMY_SPEC, bodyHash, bodyHashOfStrings, buildRequest, createNonceClock, fromHeaders, parsePyJson, sha3Hex,
  signatureMessage, signerFromPair, toHeaders, verifySignature, type RequestContext, type SynapseSpec,
} from '../../src/protocol/index.js';
import { synapseFromDict } from '../../src/protocol/synapse-model.js';

interface RequestVector {
  spec: string; input: Record<string, unknown>; timeout: number; timeoutHeader: string; bodyHash: string;
  inputObjHeaders: Record<string, string>; message: string; bodyBeforeSignature: string;
}
const V = JSON.parse(readFileSync('test/fixtures/axon-vectors.json', 'utf8')) as {
  publicKey: string;
  bodyHash: { none: string; dummyInput4: string };
  requests: Record<'dummy' | 'hashed', RequestVector>;
  signatures: Record<'dummy' | 'hashed', { message: string; signature: string; wrappedSignature: string }>;
  fixed: { dendriteHotkey: string; axonHotkey: string; nonce: string; uuid: string; dendriteIp: string; axonIp: string; axonPort: number };
};

// The derive script's HashedQuery model, as a spec.
const HASHED: SynapseSpec = {
  name: 'HashedQuery',
  fields: {
    text: { type: 'str', required: true },
    probs: { type: 'list', required: true },
    temperature: { type: 'float', required: false, default: 1.0 },
    meta: { type: 'dict', required: false, default: {} },
  },
  requiredHashFields: ['text', 'probs', 'temperature', 'meta'],
};
const SPECS: Record<string, SynapseSpec> = { Dummy: DUMMY_SPEC, HashedQuery: HASHED };

let ctx: (timeout: number) => RequestContext;
const target = { ip: V.fixed.axonIp, port: V.fixed.axonPort, hotkey: V.fixed.axonHotkey };

beforeAll(async () => {
  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
  ctx = (timeout) => ({ signer: signerFromPair(alice), uuid: V.fixed.uuid, nonce: BigInt(V.fixed.nonce), timeoutSeconds: timeout, externalIp: V.fixed.dendriteIp });
});

describe('body hash (§1.4)', () => {
  it('gives the two values the spec states', () => {
    expect(bodyHashOfStrings([])).toBe('a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a');
    expect(bodyHashOfStrings(['4'])).toBe('b103dc8a5244fd6548f7c0de617ee66d25f79007a993bc15c6ea11d8390e6279');
    expect(V.bodyHash.none).toBe(bodyHashOfStrings([]));
    expect(V.bodyHash.dummyInput4).toBe(bodyHashOfStrings(['4']));
  });

  it('is SHA3-256 (FIPS-202), not Keccak-256', () => {
    // Known answers: SHA3-256("") = a7ffc6f8…, Keccak-256("") = c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470.
    expect(sha3Hex('')).toBe('a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a');
    expect(sha3Hex('')).not.toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });
});

describe.each(['dummy', 'hashed'] as const)('request %s against the Python-derived vector', (name) => {
  const v = V.requests[name];
  it('body (signature and total_size aside), headers, hash and signed message', () => {
    const spec = SPECS[v.spec]!;
    const r = buildRequest(spec, v.input, target, ctx(v.timeout));
    expect(r.url).toBe(`http://${V.fixed.axonIp}:${V.fixed.axonPort}/${v.spec}`);
    const sig = r.headers.bt_header_dendrite_signature!;
    expect(sig).toMatch(/^0x[0-9a-f]{128}$/);
    const unsigned = r.body.replace(`"signature": "${sig}"`, '"signature": null').replace(/"total_size": \d+/, '"total_size": 0');
    expect(unsigned).toBe(v.bodyBeforeSignature);
    expect(r.headers.computed_body_hash).toBe(v.bodyHash);
    expect(r.headers.timeout).toBe(v.timeoutHeader);
    for (const [h, val] of Object.entries(v.inputObjHeaders)) expect(r.headers[h]).toBe(val);
    expect(Object.keys(r.headers).filter((h) => h.startsWith('bt_header_input_obj_')).sort()).toEqual(Object.keys(v.inputObjHeaders).sort());
    expect(r.headers.bt_header_dendrite_nonce).toBe(V.fixed.nonce);
    expect(r.headers.bt_header_dendrite_version).toBe('10002000');
    expect(r.headers.total_size).toBe(String(Buffer.byteLength(r.body)));
    expect(signatureMessage(BigInt(V.fixed.nonce), V.fixed.dendriteHotkey, V.fixed.axonHotkey, V.fixed.uuid, r.headers.computed_body_hash!)).toBe(v.message);
    // A fresh (randomized) signature verifies for the vector's message, with ours and with util-crypto's JS verifier
    // (the signer uses the wasm schnorrkel; both must agree).
    expect(verifySignature(v.message, sig, V.fixed.dendriteHotkey)).toBe(true);
    expect(sr25519Verify(new TextEncoder().encode(v.message), sig, V.publicKey)).toBe(true);
  });

  it('the recorded signature (made with @polkadot/util-crypto directly) verifies, plain and <Bytes>-wrapped', () => {
    const s = V.signatures[name];
    expect(s.message).toBe(v.message);
    expect(verifySignature(s.message, s.signature, V.fixed.dendriteHotkey)).toBe(true);
    expect(verifySignature(s.message, s.wrappedSignature, V.fixed.dendriteHotkey)).toBe(true);
    expect(verifySignature(`${s.message}x`, s.signature, V.fixed.dendriteHotkey)).toBe(false);
    expect(verifySignature(s.message, s.signature, V.fixed.axonHotkey)).toBe(false);
  });

  it('the axon side reads the headers and body back to the same hash', () => {
    const spec = SPECS[v.spec]!;
    const r = buildRequest(spec, v.input, target, ctx(v.timeout));
    const parsed = fromHeaders(spec, r.headers);
    expect(parsed.computedBodyHash).toBe(v.bodyHash);
    const dump = synapseFromDict(spec, parsePyJson(r.body), 'body');
    expect(bodyHash(spec, dump)).toBe(v.bodyHash);
    expect(toHeaders(spec, dump).computed_body_hash).toBe(v.bodyHash);
  });
});

describe('dendrite and axon agree on the hash of any input (property)', () => {
  const ALL: SynapseSpec = {
    name: 'AllTypes',
    fields: {
      i: { type: 'int', required: true }, f: { type: 'float', required: true }, s: { type: 'str', required: true },
      b: { type: 'bool', required: false, default: false }, l: { type: 'list', required: true }, d: { type: 'dict', required: false, default: {} },
      a: { type: 'any', required: false, default: null },
    },
    requiredHashFields: ['i', 'f', 's', 'b', 'l', 'd', 'a'],
  };
  const json = fc.jsonValue({ maxDepth: 3 });
  it('buildRequest → fromHeaders + the body read back → the same body hash, and the headers parse', () => {
    fc.assert(fc.property(
      fc.record({
        i: fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n })),
        f: fc.double({ noNaN: false }),
        s: fc.string({ unit: 'binary' }),
        b: fc.boolean(),
        l: fc.array(json, { maxLength: 4 }),
        d: fc.dictionary(fc.string(), json, { maxKeys: 4 }),
        a: json,
      }),
      (input) => {
        const r = buildRequest(ALL, input, target, ctx(3));
        const dump = synapseFromDict(ALL, parsePyJson(r.body), 'body');
        expect(bodyHash(ALL, dump)).toBe(r.headers.computed_body_hash);
        expect(fromHeaders(ALL, r.headers).computedBodyHash).toBe(r.headers.computed_body_hash);
        expect(/^[\x20-\x7e]*$/.test(r.body)).toBe(true);
      },
    ), { numRuns: 200 });
  });
});

describe('buildRequest input checks', () => {
  it.each([
    [{}, /dummy_input: required field missing/],
    [{ dummy_input: 'x' }, /dummy_input: expected an integer/],
    [{ dummy_input: 1, extra: 2 }, /extra: not a field of Dummy/],
    [{ dummy_input: 1.5 }, /expected an integer, got the float 1.5/],
  ])('%j is refused', (input, re) => {
    expect(() => buildRequest(DUMMY_SPEC, input, target, ctx(12))).toThrow(re);
  });

  it('refuses an axon address or hotkey that cannot travel in a header, and bad ports', () => {
    expect(() => buildRequest(DUMMY_SPEC, { dummy_input: 1 }, { ...target, hotkey: 'a\nb' }, ctx(12))).toThrow(/axon.hotkey/);
    expect(() => buildRequest(DUMMY_SPEC, { dummy_input: 1 }, { ...target, port: 70000 }, ctx(12))).toThrow(/axon.port/);
    expect(() => buildRequest(DUMMY_SPEC, { dummy_input: 1 }, target, ctx(0))).toThrow(/timeout/);
  });

  it('brackets IPv6 addresses in the URL', () => {
    const r = buildRequest(DUMMY_SPEC, { dummy_input: 1 }, { ...target, ip: '2001:db8::1' }, ctx(12));
    expect(r.url).toBe('http://[2001:db8::1]:8091/Dummy');
    expect(r.headers.bt_header_axon_ip).toBe('2001:db8::1');
  });
});

describe('fromHeaders refusals (the SDK answers these with 500)', () => {
  it('a missing input_obj header for a required field', () => {
    const r = buildRequest(DUMMY_SPEC, { dummy_input: 1 }, target, ctx(12));
    const h: Record<string, string> = { ...r.headers };
    delete h.bt_header_input_obj_dummy_input;
    expect(() => fromHeaders(DUMMY_SPEC, h)).toThrow(/bt_header_input_obj_dummy_input/);
  });

  it.each([['bt_header_dendrite_nonce', '12x'], ['bt_header_axon_port', '1.5'], ['timeout', 'soon']])('%s = %s', (k, val) => {
    const r = buildRequest(DUMMY_SPEC, { dummy_input: 1 }, target, ctx(12));
    expect(() => fromHeaders(DUMMY_SPEC, { ...r.headers, [k]: val })).toThrow(/cannot parse the headers/);
  });
});

describe('nonce clock', () => {
  it('is strictly increasing when many fall in one millisecond and when the wall clock steps back', () => {
    let now = 1_700_000_000_000;
    const clock = createNonceClock(() => now);
    const a = clock.next();
    const b = clock.next();
    now -= 5;
    const c = clock.next();
    now += 1000;
    const d = clock.next();
    expect(a).toBe(1_700_000_000_000_000_000n);
    expect(b).toBe(a + 1n);
    expect(c).toBe(b + 1n);
    expect(d).toBe(1_700_000_001_000_000_000n - 5_000_000n);
  });

  it('follows the real wall clock in ns', () => {
    const n = createNonceClock().next();
    const wall = BigInt(Date.now()) * 1_000_000n;
    expect(n <= wall && wall - n < 5_000_000_000n).toBe(true);
  });
});
