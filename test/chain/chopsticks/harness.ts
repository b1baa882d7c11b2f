import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { ChainConnection } from '../../../src/chain/index.js';
import { WeightsPipeline, type WeightsPipelineOptions } from '../../../src/chain/weights/index.js';
import { Store } from '../../../src/store/index.js';
import { startChopsticks, type Chopsticks } from './chopsticks-process.js';
import { fundAccounts, type NeuronKeys } from './subnet-setup.js';

/*
 * The shared set-up of the chopsticks tests: chopsticks on the spec (Instant mode: one block per extrinsic, and more
 * only on dev_newBlock, so block numbers are deterministic), our ChainConnection to it, dev keys with balances and
 * //Alice as sudo, a store and a pipeline factory. The test files import this module dynamically, in beforeAll, so
 * that a skipped file loads neither @polkadot/api nor the chain client.
 */

const MINUTE = 60_000;

export const NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve'] as const;

export interface RuntimeHarness {
  cs: Chopsticks;
  conn: ChainConnection;
  api: ApiPromise;
  /** Hotkey //Name and coldkey //Name//cold for each of NAMES; //Alice is also the sudo key. */
  keys: Record<(typeof NAMES)[number], NeuronKeys>;
  store: Store;
  pipeline(keys: NeuronKeys, options?: WeightsPipelineOptions): WeightsPipeline;
  head(): Promise<number>;
  /** Milliseconds of the set-up steps. */
  timings: Record<string, number>;
  close(): Promise<void>;
}

/** Starts chopsticks on `spec`, connects, funds the dev keys and makes //Alice sudo. */
export async function startRuntimeHarness(spec: string, version: string, log: (line: string) => void): Promise<RuntimeHarness> {
  await cryptoWaitReady();
  const timings: Record<string, number> = {};
  const cs = await startChopsticks({ spec, version, buildBlockMode: 'Instant', log });
  timings['chopsticks start'] = cs.startupMs;
  let conn: ChainConnection;
  try {
    const t = Date.now();
    conn = await ChainConnection.open({ url: cs.url, callTimeoutMs: 2 * MINUTE, connectTimeoutMs: 2 * MINUTE, log });
    timings['client connect'] = Date.now() - t;
  } catch (e) {
    await cs.close();
    throw e;
  }
  const kr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const keys = Object.fromEntries(NAMES.map((n) => [n, { hotkey: kr.addFromUri(`//${n}`), coldkey: kr.addFromUri(`//${n}//cold`) }])) as RuntimeHarness['keys'];
  await fundAccounts(cs, keys.Alice.hotkey, Object.values(keys).flatMap((k) => [k.hotkey, k.coldkey]), 10n ** 18n);
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-chopsticks-'));
  const store = Store.open(join(dir, 'store.db'));
  const api = conn.api;
  return {
    cs, conn, api, keys, store, timings,
    pipeline: (k, options = {}) => new WeightsPipeline(conn, store, k.hotkey, { log, pollMs: 50, inclusionTimeoutMs: 2 * MINUTE, backoffMs: 200, ...options }),
    head: async () => (await api.rpc.chain.getHeader()).number.toNumber(),
    close: async () => {
      store.close();
      await conn.close();
      await cs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
