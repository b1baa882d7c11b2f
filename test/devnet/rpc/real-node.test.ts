import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { ISubmittableResult } from '@polkadot/types/types';
import { Keyring } from '@polkadot/keyring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevnet } from '../../../src/devnet/node.js';
import { startRpcServer } from '../../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../../src/devnet/rpc/index.js';

// The server over the real node (createDevnet, on-demand blocks), driven by @polkadot/api as a validator drives it.

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let api: ApiPromise;

const config = {
  subnets: [{
    netuid: 1, tempo: 100, weightsSetRateLimit: 0, minAllowedWeights: 1, weightsVersionKey: 0,
    neurons: [
      { hotkey: '//Alice', stake: '1000000000000', permit: true },
      { hotkey: '//Bob', stake: 0 },
      { hotkey: '//Charlie', stake: 0 },
    ],
  }],
};

const tx = (a: ApiPromise, method: string, ...args: unknown[]): SubmittableExtrinsic<'promise'> =>
  (a.tx as unknown as Record<string, Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']![method]!(...args);

/** Signs and sends, resolving with the statuses seen and the finalized result. */
function send(x: SubmittableExtrinsic<'promise'>, signer: Parameters<SubmittableExtrinsic<'promise'>['signAndSend']>[0]): Promise<{ statuses: string[]; result: ISubmittableResult }> {
  const statuses: string[] = [];
  return new Promise((resolve, reject) => {
    x.signAndSend(signer, (result) => {
      statuses.push(result.status.type);
      if (result.status.isFinalized) resolve({ statuses, result });
    }).catch(reject);
  });
}

beforeAll(async () => {
  node = await createDevnet({ config, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
  api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true, throwOnConnect: true });
});

afterAll(async () => {
  await api?.disconnect();
  await server?.close();
  await node?.close();
});

describe('@polkadot/api over the server and the real node', () => {
  it('sets weights: ready, inBlock, finalized, ExtrinsicSuccess, and the stored weights read back', async () => {
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
    const { statuses, result } = await send(tx(api, 'setWeights', 1, [1, 2], [100, 50], 0), alice);
    expect(statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    expect(result.events.map((e) => `${e.event.section}.${e.event.method}`)).toContain('system.ExtrinsicSuccess');
    const q = (api.query as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown }>>>)['subtensorModule']!;
    // Stored max-upscaled: the largest weight becomes 65535.
    expect((await q['weights']!(1, 0)).toJSON()).toEqual([[1, 65535], [2, 32768]]);
    expect((await api.rpc.system.accountNextIndex(alice.address)).toNumber()).toBe(1);
  });

  it('reports a failing call as ExtrinsicFailed with the module error from the metadata', async () => {
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
    const { result } = await send(tx(api, 'setWeights', 1, [1, 1], [100, 50], 0), alice);
    const failed = result.events.find((e) => e.event.section === 'system' && e.event.method === 'ExtrinsicFailed');
    expect(failed).toBeDefined();
    const err = result.dispatchError!;
    expect(err.isModule).toBe(true);
    const meta = api.registry.findMetaError(err.asModule);
    expect(`${meta.section}.${meta.name}`).toBe('subtensorModule.DuplicateUids');
  });

  it('refuses a bad signature at submission with the node\'s error', async () => {
    const bob = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob');
    const signed = await tx(api, 'setWeights', 1, [0], [1], 0).signAsync(bob);
    const hex = signed.toHex();
    // Flip one byte of the signature (after the 0x, the length, the version byte and the 33-byte address).
    const at = 2 + 2 * (2 + 1 + 33) + 10;
    const broken = `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;
    await expect(api.rpc.author.submitExtrinsic(broken)).rejects.toThrow(/1010: Invalid Transaction: Transaction has a bad signature/);
  });
});
