import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKey } from '../../src/keys/index.js';
import { createDendrite, type Dendrite } from '../../src/dendrite/index.js';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { dummyHandler, startAxon, type AxonHandle, type Handler } from '../../src/miner/index.js';

/*
 * Interop through the whole pool: the dendrite's workers sign and send, reference axons (src/miner) verify as the
 * SDK's axon does (blacklist, signature, nonce window, body hash) and answer. Each status here is the axon's
 * verdict, read back by the dendrite.
 */

const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';

let dendrite: Dendrite;
const axons: AxonHandle[] = [];
const quiet = (): void => undefined;

async function axon(handler: Handler, allowed: ReadonlySet<string> | null = null): Promise<AxonHandle> {
  const key = await loadKey({ uri: '//Bob' }, { dev: true });
  const a = await startAxon({ key, port: 0, synapses: [{ spec: DUMMY_SPEC, handler }], allowedHotkeys: allowed, log: quiet });
  axons.push(a);
  return a;
}
const target = (a: AxonHandle, hotkey = a.hotkey) => ({ ip: '127.0.0.1', port: a.port, hotkey });

beforeAll(async () => {
  dendrite = await createDendrite({ key: { uri: '//Alice' }, dev: true, workers: 2, allowPrivate: true, timeout: 5, breakerThreshold: 1_000 });
});
afterAll(async () => {
  await dendrite.close();
  for (const a of axons) await a.close();
});

describe('dendrite ↔ reference axon', () => {
  it('is accepted and answered; blacklist, wrong axon hotkey, errors and hangs get the SDK statuses', async () => {
    const good = await axon(dummyHandler, new Set([ALICE]));
    const blacklisting = await axon(dummyHandler, new Set([CHARLIE]));
    const failing = await axon(() => ({ kind: 'status', status: 500, message: 'boom' }));
    const hanging = await axon(() => ({ kind: 'hang' }));
    const r = await dendrite.query(
      [target(good), target(blacklisting), target(good, CHARLIE), target(failing), target(hanging)],
      DUMMY_SPEC, { dummy_input: 21 }, { timeout: 1.5 },
    );
    expect(r[0]).toMatchObject({ status: 200, message: 'Success', failure: null, fields: { dummy_input: 21, dummy_output: 42 } });
    expect(r[0]!.axonProcessTime).toBeGreaterThanOrEqual(0);
    expect(r[1]).toMatchObject({ status: 403, failure: null });
    expect(r[1]!.message).toMatch(/^Forbidden\. Key is blacklisted/);
    // Signed for Charlie's axon, delivered to Bob's: the signature does not verify.
    expect(r[2]).toMatchObject({ status: 401, failure: null });
    expect(r[2]!.message).toMatch(/^Not Verified with error/);
    expect(r[3]).toMatchObject({ status: 500, message: 'boom', failure: null });
    expect(r[4]).toMatchObject({ status: 408, message: 'Request timeout after 1.5 seconds', failure: 'timeout', processTime: null });
  });

  it('keeps nonces in order: one axon listed many times in a query, and many queries in a row, all verify', async () => {
    const a = await axon(dummyHandler);
    const many = Array.from({ length: 40 }, () => target(a));
    const inputs = many.map((_, i) => ({ dummy_input: i }));
    for (let round = 0; round < 3; round++) {
      const r = await dendrite.query(many, DUMMY_SPEC, inputs);
      expect(r.map((x) => x.status)).toEqual(many.map(() => 200));
      expect(r.map((x) => x.fields?.['dummy_output'])).toEqual(inputs.map((x) => 2 * x.dummy_input));
    }
    expect(a.stats.byStatus[401] ?? 0).toBe(0);
    expect(a.stats.byStatus[200]).toBe(120);
  });
});
