import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRequest, createNonceClock, parseResponse, signerFromPair } from '../../src/protocol/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { startAxon, type AxonHandle } from '../../src/miner/index.js';
import { PROFILE_NAMES, createNextTokenTask, profileHandler } from '../../src/task/index.js';

/*
 * Every task profile served by the reference axon, read back as the SDK's dendrite reads answers (parseResponse):
 * the axon carries out each profile's action, and what reaches the validator is what docs/task.md says it should be.
 */

const task = createNextTokenTask();
const clock = createNonceClock();
let alice: LoadedKey;
let bob: LoadedKey;
const axons = new Map<string, AxonHandle>();

beforeAll(async () => {
  [alice, bob] = (await Promise.all(['//Alice', '//Bob'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey];
  for (const name of PROFILE_NAMES) {
    const handler = profileHandler(name, { delayMs: 3000, oversizedBytes: 4 << 20 });
    axons.set(name, await startAxon({ key: bob, port: 0, log: () => {}, synapses: [{ spec: task.synapse, handler: (r) => handler(r.fields) }] }));
  }
});
afterAll(async () => { await Promise.all([...axons.values()].map((a) => a.close())); });

async function ask(name: string, signal?: AbortSignal): Promise<{ status: number; res: Response; query: ReturnType<typeof task.makeQueries>[number] }> {
  const [query] = task.makeQueries(11, 0, 1);
  const axon = axons.get(name)!;
  const r = buildRequest(task.synapse, { ...query!.fields }, { ip: '127.0.0.1', port: axon.port, hotkey: bob.address },
    { signer: signerFromPair(alice.pair), uuid: `p-${name}`, nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
  const res = await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body, signal });
  return { status: res.status, res, query: query! };
}

async function read(name: string): Promise<{ parsed: ReturnType<typeof parseResponse>; ok: boolean }> {
  const { res, query } = await ask(name);
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  const parsed = parseResponse(task.synapse, res.status, headers, new Uint8Array(await res.arrayBuffer()));
  return { parsed, ok: parsed.fields !== null && task.responseSchema.parse(parsed.fields, query).ok };
}

describe('task profiles through the reference axon', () => {
  it.each(['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'copier', 'sybil'])('%s: 200 and a valid answer', async (name) => {
    const r = await read(name);
    expect(r.parsed.status).toBe(200);
    expect(r.ok).toBe(true);
  });

  it('error500: 500 with its message', async () => {
    expect((await read('error500')).parsed).toMatchObject({ status: 500, message: 'Internal Server Error', fields: null });
  });

  it('malformed: the dendrite cannot parse it (422)', async () => {
    expect((await read('malformed')).parsed.status).toBe(422);
  });

  it('nan: Python json.loads accepts NaN, so the SDK records 200, and the answer is no valid top-k', async () => {
    const r = await read('nan');
    expect(r.parsed.status).toBe(200);
    expect(r.ok).toBe(false);
  });

  it('wrong-shape: never a valid answer (422 when pydantic refuses the shape, else 200 with an invalid top-k)', async () => {
    const r = await read('wrong-shape');
    expect([200, 422]).toContain(r.parsed.status);
    expect(r.ok).toBe(false);
  });

  it('slow: no answer before the client deadline', async () => {
    await expect(ask('slow', AbortSignal.timeout(500))).rejects.toThrow();
  });

  it('oversized: streamed; a client that stops after 1 MiB gets no more, and the axon keeps serving', async () => {
    const { res } = await ask('oversized');
    const reader = res.body!.getReader();
    let got = 0;
    while (got <= 1 << 20) {
      const c = await reader.read();
      if (c.done) break;
      got += c.value.length;
    }
    await reader.cancel();
    expect(got).toBeGreaterThan(1 << 20);
    expect(got).toBeLessThan(4 << 20);
    expect((await read('oracle-0.9')).parsed.status).toBe(200);
    const again = await ask('oversized');
    expect(again.status).toBe(200);
    await again.res.body?.cancel();
  });
});
