import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DUMMY_SPEC, buildRequest, createNonceClock, parseResponse, signerFromPair, type BuiltRequest, type RequestContext,
  type SynapseSpec,
} from '../../src/protocol/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { dummyHandler, startAxon, type AxonHandle } from '../../src/miner/index.js';

/*
 * Done-means 1 of issue 8: requests built by buildRequest, sent with plain fetch, against the reference axon. Each
 * expected status is the SDK 10.2.0 axon's for that case (spec §1.6): tampering with a signed header is 401 (verify
 * runs before the body check), a body that no longer hashes to computed_body_hash is 500, and so on.
 */

// A synapse with hash fields, so that the body is covered by the hash (the template's Dummy has none).
const HASHED: SynapseSpec = {
  name: 'HashedQuery',
  fields: { text: { type: 'str', required: true }, answer: { type: 'str', required: false, default: null } },
  requiredHashFields: ['text'],
};

let alice: LoadedKey;
let bob: LoadedKey;
let charlie: LoadedKey;
let axon: AxonHandle;
const clock = createNonceClock();
let uuidSeq = 0;

beforeAll(async () => {
  [alice, bob, charlie] = (await Promise.all(['//Alice', '//Bob', '//Charlie'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey, LoadedKey];
  axon = await startAxon({
    key: bob, port: 0, log: () => {},
    synapses: [
      { spec: DUMMY_SPEC, handler: dummyHandler },
      { spec: HASHED, handler: (r) => ({ kind: 'fields', fields: { answer: String(r.fields.text).toUpperCase() } }) },
    ],
  });
});
afterAll(async () => { await axon.close(); });

function ctx(over: Partial<RequestContext> = {}): RequestContext {
  return { signer: signerFromPair(alice.pair), uuid: `uuid-${uuidSeq++}`, nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1', ...over };
}

function build(spec: SynapseSpec, input: Record<string, unknown>, c: RequestContext = ctx(), hotkey = bob.address): BuiltRequest {
  return buildRequest(spec, input, { ip: '127.0.0.1', port: axon.port, hotkey }, c);
}

async function send(r: BuiltRequest, headers: Record<string, string | null> = {}, body?: string): Promise<{ status: number; json: Record<string, unknown>; parsed: ReturnType<typeof parseResponse> }> {
  const h: Record<string, string> = { ...r.headers, 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(headers)) {
    if (v === null) delete h[k];
    else h[k] = v;
  }
  const res = await fetch(r.url, { method: 'POST', headers: h, body: body ?? r.body });
  const text = await res.text();
  const hs: Record<string, string> = {};
  res.headers.forEach((v, k) => { hs[k] = v; });
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, parsed: parseResponse(DUMMY_SPEC.name === r.url.split('/').pop() ? DUMMY_SPEC : HASHED, res.status, hs, text) };
}

describe('accepted requests', () => {
  it('Dummy: 200, dummy_output = 2 * dummy_input, the SDK reply shape', async () => {
    const r = await send(build(DUMMY_SPEC, { dummy_input: 21 }));
    expect(r.status).toBe(200);
    expect(r.json.dummy_output).toBe(42);
    expect((r.json.axon as Record<string, unknown>).status_message).toBe('Success');
    expect(r.parsed).toMatchObject({ status: 200, message: 'Success', fields: { dummy_input: 21, dummy_output: 42 } });
    expect(r.parsed.axonProcessTime).toBeGreaterThanOrEqual(0);
  });

  it('a synapse with hash fields: 200 and the handler output', async () => {
    const r = await send(build(HASHED, { text: 'héllo' }));
    expect(r.status).toBe(200);
    expect(r.parsed.fields).toEqual({ text: 'héllo', answer: 'HÉLLO' });
  });

  it('a signature over the <Bytes>-wrapped message is accepted too (btwallet fallback)', async () => {
    const wrapping = { hotkey: alice.address, sign: (m: Uint8Array) => alice.pair.sign(Buffer.concat([Buffer.from('<Bytes>'), m, Buffer.from('</Bytes>')])) };
    const r = await send(build(DUMMY_SPEC, { dummy_input: 1 }, ctx({ signer: wrapping })));
    expect(r.status).toBe(200);
  });
});

describe('tampering with a signed header: 401 as the SDK', () => {
  it.each([
    ['bt_header_dendrite_nonce', (h: Record<string, string>) => String(BigInt(h.bt_header_dendrite_nonce!) + 1n)],
    ['bt_header_dendrite_hotkey', () => '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y'], // //Charlie
    ['bt_header_dendrite_uuid', (h: Record<string, string>) => `${h.bt_header_dendrite_uuid!}x`],
    ['computed_body_hash', () => 'b103dc8a5244fd6548f7c0de617ee66d25f79007a993bc15c6ea11d8390e6279'],
    ['bt_header_dendrite_signature', (h: Record<string, string>) => {
      const s = h.bt_header_dendrite_signature!;
      return s.slice(0, 10) + (s[10] === '0' ? '1' : '0') + s.slice(11);
    }],
  ])('%s changed', async (name, change) => {
    const b = build(DUMMY_SPEC, { dummy_input: 3 });
    const r = await send(b, { [name]: change(b.headers as Record<string, string>) });
    expect(r.status).toBe(401);
    expect(r.json.message).toMatch(/^Not Verified with error: /);
    expect(r.parsed.status).toBe(401);
  });

  it('a malformed signature and a missing one are 401 (the SDK lets an unsigned request through: requireSignature: false)', async () => {
    let r = await send(build(DUMMY_SPEC, { dummy_input: 3 }), { bt_header_dendrite_signature: '0x1234' });
    expect(r.status).toBe(401);
    r = await send(build(DUMMY_SPEC, { dummy_input: 3 }), { bt_header_dendrite_signature: null });
    expect(r.status).toBe(401);
    expect(r.json.message).toBe('Not Verified with error: Missing Signature');
    const lax = await startAxon({ key: bob, port: 0, log: () => {}, requireSignature: false, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }] });
    try {
      const b = buildRequest(DUMMY_SPEC, { dummy_input: 3 }, { ip: '127.0.0.1', port: lax.port, hotkey: bob.address }, ctx());
      r = await send(b, { bt_header_dendrite_signature: null });
      expect(r.status).toBe(200);
    } finally {
      await lax.close();
    }
  });

  it('a request signed for another axon hotkey is 401; changing only the axon hotkey header is not (the SDK verifies against its own hotkey)', async () => {
    let r = await send(build(DUMMY_SPEC, { dummy_input: 3 }, ctx(), charlie.address));
    expect(r.status).toBe(401);
    expect(r.json.message).toMatch(/Signature mismatch/);
    r = await send(build(DUMMY_SPEC, { dummy_input: 3 }), { bt_header_axon_hotkey: charlie.address });
    expect(r.status).toBe(200);
  });
});

describe('tampering with the body: 500 "Internal Server Error #id" when it no longer hashes to the header', () => {
  it('a hash field changed', async () => {
    const b = build(HASHED, { text: 'abc' });
    const r = await send(b, {}, b.body.replace('"text": "abc"', '"text": "abd"'));
    expect(r.status).toBe(500);
    expect(r.json.message).toMatch(/^Internal Server Error #[0-9a-f-]{36}$/);
    expect(r.parsed.status).toBe(500);
  });

  it('a body that is not JSON, or that pydantic refuses', async () => {
    expect((await send(build(HASHED, { text: 'abc' }), {}, '{"text": ')).status).toBe(500);
    expect((await send(build(HASHED, { text: 'abc' }), {}, '{"text": 5}')).status).toBe(500);
  });

  it('a field outside the hash fields is not covered (Dummy has none): the SDK accepts the changed value', async () => {
    const b = build(DUMMY_SPEC, { dummy_input: 3 });
    const r = await send(b, {}, b.body.replace('"dummy_input": 3', '"dummy_input": 4'));
    expect(r.status).toBe(200);
    expect(r.json.dummy_output).toBe(8);
  });
});

describe('nonces', () => {
  it('out of order on one (hotkey, uuid): the later-arriving smaller nonce is 401; a replay too', async () => {
    const uuid = `order-${uuidSeq++}`;
    const n1 = clock.next();
    const n2 = clock.next();
    const first = build(DUMMY_SPEC, { dummy_input: 1 }, ctx({ uuid, nonce: n1 }));
    const second = build(DUMMY_SPEC, { dummy_input: 2 }, ctx({ uuid, nonce: n2 }));
    expect((await send(second)).status).toBe(200);
    const late = await send(first);
    expect(late.status).toBe(401);
    expect(late.json.message).toBe('Not Verified with error: Nonce is too old, a newer one was last processed');
    expect((await send(second)).status).toBe(401);
  });

  it('a first nonce older than 4 s + timeout on an unseen (hotkey, uuid) is 401; a younger one is accepted', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const old = await send(build(DUMMY_SPEC, { dummy_input: 1 }, ctx({ timeoutSeconds: 1, nonce: now - 6_000_000_000n })));
    expect(old.status).toBe(401);
    expect(old.json.message).toMatch(/^Not Verified with error: Nonce is too old: acceptable delta is 5\.00 seconds but request was 6\.\d\d seconds old$/);
    const young = await send(build(DUMMY_SPEC, { dummy_input: 1 }, ctx({ timeoutSeconds: 1, nonce: now - 2_500_000_000n })));
    expect(young.status).toBe(200);
    // The window grows with the synapse timeout: 6 s old is fine with timeout 12.
    expect((await send(build(DUMMY_SPEC, { dummy_input: 1 }, ctx({ timeoutSeconds: 12, nonce: now - 6_000_000_000n })))).status).toBe(200);
  });

  it('a dendrite version below 7.2.0 has no window (SDK behaviour), only the ordering', async () => {
    const r = await send(build(DUMMY_SPEC, { dummy_input: 1 }, ctx({ version: 7_001_000, nonce: 1n })));
    expect(r.status).toBe(200);
  });

  it('a missing nonce is 401 "Missing Nonce"', async () => {
    const r = await send(build(DUMMY_SPEC, { dummy_input: 1 }), { bt_header_dendrite_nonce: null });
    expect(r.status).toBe(401);
    expect(r.json.message).toBe('Not Verified with error: Missing Nonce');
  });
});

describe('routing, blacklist, headers', () => {
  it('an unknown route is 404 with the SDK message', async () => {
    const b = build(DUMMY_SPEC, { dummy_input: 1 });
    const res = await fetch(b.url.replace('/Dummy', '/Nope'), { method: 'POST', headers: b.headers, body: b.body });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: "Synapse name 'Nope' not found. Available synapses ['Dummy', 'HashedQuery']" });
  });

  it('a hotkey outside the allowed set is 403, before verification; allowing all lets it through', async () => {
    axon.setAllowedHotkeys(new Set([charlie.address]));
    try {
      const r = await send(build(DUMMY_SPEC, { dummy_input: 1 }), { bt_header_dendrite_signature: '0xbad' });
      expect(r.status).toBe(403);
      expect(r.json.message).toBe('Forbidden. Key is blacklisted: Unrecognized hotkey.');
      expect(r.parsed.status).toBe(403);
    } finally {
      axon.setAllowedHotkeys(null);
    }
    expect((await send(build(DUMMY_SPEC, { dummy_input: 1 }))).status).toBe(200);
  });

  it('a missing bt_header_input_obj header is 500 (SynapseParsingError is not a SynapseException)', async () => {
    const r = await send(build(DUMMY_SPEC, { dummy_input: 1 }), { bt_header_input_obj_dummy_input: null });
    expect(r.status).toBe(500);
    expect(r.json.message).toMatch(/^Internal Server Error #/);
  });

  it('a body over the cap is 413', async () => {
    const small = await startAxon({ key: bob, port: 0, log: () => {}, maxBodyBytes: 2048, synapses: [{ spec: HASHED, handler: () => ({ kind: 'fields', fields: {} }) }] });
    try {
      const b = buildRequest(HASHED, { text: 'x'.repeat(5000) }, { ip: '127.0.0.1', port: small.port, hotkey: bob.address }, ctx());
      const res = await fetch(b.url, { method: 'POST', headers: b.headers, body: b.body });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
