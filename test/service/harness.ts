import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevnet, type RpcServer, startRpcServer } from '../../src/devnet/index.js';
import { loadKey } from '../../src/keys/index.js';
import { startAxon, type AxonHandle } from '../../src/miner/index.js';
import { checkProfileName, createNextTokenTask, profileHandler, type ProfileOptions } from '../../src/task/index.js';

/** Shared set-up of the service tests: reference axons of the built-in task, and an in-process devnet serving them. */

const task = createNextTokenTask();

/** Starts a reference axon answering the built-in task as `profile`, keyed by the dev URI; returns it and its neuron. */
export async function startProfileAxon(uri: string, profile: string, options: ProfileOptions = {}): Promise<{ axon: AxonHandle; neuron: Record<string, unknown> }> {
  const key = await loadKey({ uri }, { dev: true });
  const handler = profileHandler(checkProfileName(profile), options);
  const axon = await startAxon({ key, port: 0, log: () => {}, synapses: [{ spec: task.synapse, handler: (req) => handler(req.fields) }] });
  return { axon, neuron: { hotkey: uri, axon: { ip: '127.0.0.1', port: axon.port } } };
}

/** A devnet with 250 ms blocks and its RPC server on loopback, the axons it serves, and a temporary folder. */
export interface ServiceDevnet {
  node: Awaited<ReturnType<typeof createDevnet>>;
  server: RpcServer;
  dir: string;
  /** Stops the server, the node and every axon, and removes the folder. */
  close(): Promise<void>;
}

/** Starts a devnet with `subnets` (devnet config entries) and a temporary folder named `yumaval-<prefix>-…`. */
export async function startServiceDevnet(subnets: unknown[], axons: readonly AxonHandle[], prefix: string): Promise<ServiceDevnet> {
  const node = await createDevnet({ config: { subnets }, blockTimeMs: 250, log: () => {} });
  const server = await startRpcServer(node);
  node.start();
  const dir = mkdtempSync(join(tmpdir(), `yumaval-${prefix}-`));
  return {
    node, server, dir,
    close: async () => {
      await server.close();
      await node.close();
      for (const a of axons) await a.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
