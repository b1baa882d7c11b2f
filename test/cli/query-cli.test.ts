import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAxonArg, parseQueryOptions, runQuery } from '../../src/cli/query-command.js';
import { DUMMY_SPEC } from '../../src/protocol/index.js';
import { InvalidOptionError } from '../../src/errors/index.js';
import { loadKey, type LoadedKey } from '../../src/keys/index.js';
import { dummyHandler, startAxon, type AxonHandle } from '../../src/miner/index.js';
import { createNextTokenTask, profileHandler } from '../../src/task/index.js';

/*
 * `yumaval query`: one signed query to axons given on the command line, every outcome reported. Reference axons on
 * loopback: one answers, one blacklists the validator, one serves the task with an oracle profile.
 */

let alice: LoadedKey;
let bob: LoadedKey;
let charlie: LoadedKey;
const axons: AxonHandle[] = [];

beforeAll(async () => {
  [alice, bob, charlie] = (await Promise.all(['//Alice', '//Bob', '//Charlie'].map((uri) => loadKey({ uri }, { dev: true })))) as [LoadedKey, LoadedKey, LoadedKey];
  const task = createNextTokenTask();
  const oracle = profileHandler('oracle-0.9');
  axons.push(await startAxon({ key: bob, port: 0, log: () => {}, synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }, { spec: task.synapse, handler: (r) => oracle(r.fields) }] }));
  // Only Charlie may call this one: Alice is blacklisted.
  axons.push(await startAxon({ key: charlie, port: 0, log: () => {}, allowedHotkeys: new Set([charlie.address]), synapses: [{ spec: DUMMY_SPEC, handler: dummyHandler }] }));
});
afterAll(async () => {
  await Promise.all(axons.map((a) => a.close()));
});

function capture(): { out: string[]; err: string[]; io: { stdout(t: string): void; stderr(t: string): void } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) } };
}

describe('yumaval query', () => {
  it('reports every axon in order: an answer, a blacklist, an address refused by policy', async () => {
    const c = capture();
    const o = parseQueryOptions({
      key: '//Alice', dev: true, allowPrivate: true, json: true, input: '21', timeout: '10', workers: '1',
      axon: [`${bob.address}@127.0.0.1:${axons[0]!.port}`, `${charlie.address}@127.0.0.1:${axons[1]!.port}`, `${bob.address}@224.0.0.1:8091`],
    });
    await runQuery(o, c.io);
    const doc = JSON.parse(c.out.join('')) as { hotkey: string; byStatus: Record<string, number>; results: Array<{ status: number; message: string; fields: Record<string, unknown> | null; port: number }> };
    expect(doc.hotkey).toBe(alice.address);
    expect(doc.results.map((r) => r.status)).toEqual([200, 403, 503]);
    expect(doc.results[0]!.fields?.['dummy_output']).toBe(42);
    expect(doc.results[1]!.message).toMatch(/blacklisted/i);
    // Multicast is never dialed, even with --allow-private.
    expect(doc.results[2]!.message).toMatch(/multicast/i);
    expect(doc.byStatus).toEqual({ 200: 1, 403: 1, 503: 1 });
  });

  it('sends a next-token query and prints a table', async () => {
    const c = capture();
    await runQuery(parseQueryOptions({ key: '//Alice', dev: true, allowPrivate: true, synapse: 'next-token', seed: '5', workers: '1', axon: [`${bob.address}@127.0.0.1:${axons[0]!.port}`] }), c.io);
    const table = c.out.join('');
    expect(table).toMatch(/^#\s+axon\s+hotkey\s+status/m);
    expect(table).toMatch(/127\.0\.0\.1:\d+\s+\S+\s+200\s+Success/);
    expect(c.err.join('')).toMatch(/NextToken to 1 axons[\s\S]*200: 1/);
  });

  it('refuses loopback axons without --allow-private, without dialing them', async () => {
    const c = capture();
    const before = axons[0]!.stats.requests;
    await runQuery(parseQueryOptions({ key: '//Alice', dev: true, json: true, workers: '1', axon: [`${bob.address}@127.0.0.1:${axons[0]!.port}`] }), c.io);
    const doc = JSON.parse(c.out.join('')) as { results: Array<{ status: number; message: string }> };
    expect(doc.results[0]!.status).toBe(503);
    expect(doc.results[0]!.message).toMatch(/loopback/i);
    expect(axons[0]!.stats.requests).toBe(before);
  });

  it('signs with a key from an environment variable (--key-env), never printing it', async () => {
    const name = 'YUMAVAL_TEST_QUERY_KEY';
    // Charlie's seed by its dev derivation is not at hand as text; a fixed mnemonic is, and its address is independent.
    const mnemonic = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
    process.env[name] = mnemonic;
    try {
      const c = capture();
      await runQuery(parseQueryOptions({ keyEnv: name, allowPrivate: true, json: true, workers: '1', axon: [`${bob.address}@127.0.0.1:${axons[0]!.port}`] }), c.io);
      const doc = JSON.parse(c.out.join('')) as { hotkey: string; results: Array<{ status: number }> };
      const expected = await loadKey({ env: name });
      expect(doc.hotkey).toBe(expected.address);
      expect(doc.hotkey).not.toBe(alice.address);
      expect(doc.results[0]!.status).toBe(200);
      expect([...c.out, ...c.err].join('')).not.toContain('bottom drive');
    } finally {
      delete process.env[name];
    }
  });

  it('names what is wrong with the options', () => {
    expect(() => parseQueryOptions({ key: '//Alice', axon: ['x'] })).toThrow(/add --dev/);
    expect(() => parseQueryOptions({ key: '//Alice', dev: true })).toThrow(/at least one --axon/);
    expect(() => parseQueryOptions({ key: '//Alice', dev: true, axon: ['nope'] })).toThrow(InvalidOptionError);
    expect(() => parseQueryOptions({ key: '//Alice', dev: true, axon: [`${bob.address}@1.2.3.4:8091`], chain: 'ws://x', netuid: '1' })).toThrow(/not both/);
    expect(() => parseQueryOptions({ key: '//Alice', dev: true, axon: [`${bob.address}@1.2.3.4:8091`], synapse: 'Foo' })).toThrow(/--synapse/);
    expect(() => parseQueryOptions({ key: '//Alice', dev: true, axon: [`${bob.address}@1.2.3.4:8091`], timeout: '0' })).toThrow(/--timeout/);
    expect(parseAxonArg(`${bob.address}@[2001:db8::1]:9000`)).toEqual({ hotkey: bob.address, ip: '2001:db8::1', port: 9000 });
    expect(() => parseAxonArg(`${bob.address}@1.2.3.4:70000`)).toThrow(/port 70000/);
  });
});
