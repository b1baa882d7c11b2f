import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { ChainConnection } from '../../../src/chain/index.js';
import { WeightsPipeline, type WeightsPipelineOptions } from '../../../src/chain/weights/index.js';
import { createDevnet, type RpcServer, startRpcServer } from '../../../src/devnet/index.js';
import { Store } from '../../../src/store/index.js';

/** Shared set-up of the weight-pipeline tests: an in-process devnet with on-demand blocks, a store, the pipeline. */

export type Node = Awaited<ReturnType<typeof createDevnet>>;

export interface Harness {
  node: Node;
  server: RpcServer;
  conn: ChainConnection;
  dir: string;
  store: Store;
  keys: Record<'alice' | 'bob' | 'charlie' | 'dave', KeyringPair>;
  pipeline(pair: KeyringPair, options?: WeightsPipelineOptions): WeightsPipeline;
  head(): Promise<number>;
  /** Produces blocks until the head is `target`. */
  advanceTo(target: number): Promise<void>;
  close(): Promise<void>;
}

/** Sends a raw JSON-RPC call (the devnet_ admin methods) over the connection's provider. */
export function devnetRpc(conn: ChainConnection, method: string, params: unknown[]): Promise<unknown> {
  return (conn.api as unknown as { _rpcCore: { provider: { send(m: string, p: unknown[]): Promise<unknown> } } })._rpcCore.provider.send(method, params);
}

export const quiet = (): void => {};

export async function startHarness(config: unknown, blockTimeMs = 0): Promise<Harness> {
  await cryptoWaitReady();
  const node = await createDevnet({ config, blockTimeMs, log: quiet });
  const server = await startRpcServer(node);
  node.start();
  const conn = await ChainConnection.open({ url: server.url, log: quiet, callTimeoutMs: 10_000 });
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-weights-'));
  const store = Store.open(join(dir, 'store.db'));
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const keys = {
    alice: keyring.addFromUri('//Alice'), bob: keyring.addFromUri('//Bob'), charlie: keyring.addFromUri('//Charlie'), dave: keyring.addFromUri('//Dave'),
  };
  const head = async (): Promise<number> => (await conn.api.rpc.chain.getHeader()).number.toNumber();
  return {
    node, server, conn, dir, store, keys,
    pipeline: (pair, options = {}) => new WeightsPipeline(conn, store, pair, { log: quiet, pollMs: 10, inclusionTimeoutMs: 10_000, backoffMs: 50, ...options }),
    head,
    advanceTo: async (target) => {
      const now = await head();
      if (target > now) await devnetRpc(conn, 'devnet_newBlock', [target - now]);
    },
    close: async () => {
      store.close();
      await conn.close();
      await server.close();
      await node.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
