import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { ISubmittableResult } from '@polkadot/types/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DispatchError } from '../../../src/devnet/dispatch.js';
import type { Devnet } from '../../../src/devnet/node.js';
import { startRpcServer, type RpcServer } from '../../../src/devnet/rpc/index.js';
import { devnet, pair } from './signing.js';

// The proof: @polkadot/api signs and sends over the devnet's JSON-RPC server (default options: a mortal era of 64
// blocks at the head, nonce from system_accountNextIndex), and the node's checks, pool and events satisfy it.

let node: Devnet;
let server: RpcServer;
let api: ApiPromise;
const alice = pair('//Alice');

beforeAll(async () => {
  node = await devnet({
    modules: [{
      calls: {
        'subtensorModule.setWeights': (_ctx, args) => {
          if (args.netuid === 9) throw new DispatchError('subtensorModule', 'SubNetworkDoesNotExist');
        },
      },
    }],
  });
  node.newBlock(3);
  server = await startRpcServer(node, { log: () => undefined });
  api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true, throwOnConnect: true });
});

afterAll(async () => {
  await api?.disconnect();
  await server?.close();
  await node?.close();
});

/** Sends and resolves with every result up to finalization. */
function send(tx: SubmittableExtrinsic<'promise'>, options: Record<string, unknown> = {}): Promise<ISubmittableResult[]> {
  return new Promise((resolve, reject) => {
    const results: ISubmittableResult[] = [];
    tx.signAndSend(alice, options, (r) => {
      results.push(r);
      if (r.status.isFinalized || r.isError) resolve(results);
    }).catch(reject);
  });
}

describe('@polkadot/api signAndSend against the devnet node', () => {
  it('a remark with the default mortal era: Ready, InBlock, Finalized, ExtrinsicSuccess, nonce 1', async () => {
    const results = await send(api.tx.system!.remark!('0x1234'));
    expect(results.map((r) => r.status.type)).toEqual(expect.arrayContaining(['Ready', 'InBlock', 'Finalized']));
    const final = results.at(-1)!;
    expect(final.dispatchError).toBeUndefined();
    expect(final.events.map((e) => `${e.event.section}.${e.event.method}`)).toContain('system.ExtrinsicSuccess');
    expect((await api.rpc.system.accountNextIndex(alice.address)).toNumber()).toBe(1);
    const info = await api.query.system!.account!(alice.address) as unknown as { nonce: { toNumber(): number } };
    expect(info.nonce.toNumber()).toBe(1);
  });

  it('an immortal transaction, and a failing call: the client reads the Module error by name', async () => {
    const results = await send(api.tx.subtensorModule!.setWeights!(9, [0], [1], 0), { era: 0 });
    const final = results.at(-1)!;
    expect(final.status.isFinalized).toBe(true);
    expect(final.dispatchError?.isModule).toBe(true);
    const decoded = api.registry.findMetaError(final.dispatchError!.asModule);
    expect(`${decoded.section}.${decoded.name}`).toBe('subtensorModule.SubNetworkDoesNotExist');
  });

  it('a stale nonce is refused with 1010 over RPC, as the client shows it', async () => {
    const tx = api.tx.system!.remark!('0x01');
    await tx.signAsync(alice, { nonce: 0 });
    await expect(tx.send()).rejects.toThrow(/1010: Invalid Transaction: Transaction is outdated/);
  });
});
