import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection, readTimelockCommitParams, syncMetagraph } from '../../src/chain/index.js';
import { createDevnet } from '../../src/devnet/node.js';
import { startRpcServer } from '../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../src/devnet/rpc/index.js';
import { selectDevnetSpec } from '../../src/devnet/runtime.js';
import { encodeWeightsPayload, encrypt, firstRevealBlock } from '../../src/timelock/index.js';
import { QUICKNET_PK, ROUND_1000_SIGNATURE } from '../timelock/oracle.js';

/*
 * Timelocked commits end to end on devnet serving spec 343: commit_timelocked_weights through @polkadot/api with a
 * ciphertext for quicknet round 1000; at the reveal epoch the commit is kept while the pulse is missing; the real
 * round-1000 pulse stored through the devnet_storePulse RPC reveals it (weights stored, TimelockedWeightsRevealed); a
 * corrupted commit of the same epoch is dropped without an event, as the chain does.
 */

selectDevnetSpec(343);
const NETUID = 2;

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let conn: ChainConnection;
let alice: KeyringPair;
let admin: WsProvider;

beforeAll(async () => {
  node = await createDevnet({
    config: {
      subnets: [{
        netuid: NETUID, tempo: 10, commitRevealEnabled: true, revealPeriodEpochs: 1, weightsSetRateLimit: 0,
        neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob' }],
      }],
    },
    blockTimeMs: 0,
    log: () => {},
  });
  server = await startRpcServer(node);
  conn = await ChainConnection.open({ url: server.url, log: () => {} });
  admin = new WsProvider(server.url);
  await admin.isReady;
  alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
}, 60_000);

afterAll(async () => {
  await admin?.disconnect();
  await conn?.close();
  await server?.close();
  await node?.close();
});

function send(method: string, args: unknown[]): Promise<{ block: number; events: string[] }> {
  const tx = (conn.api.tx as unknown as Record<string, Record<string, (...a: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']![method]!(...args);
  return new Promise((resolve, reject) => {
    tx.signAndSend(alice, (r) => {
      if (!r.status.isFinalized) return;
      const d = r.dispatchError;
      if (d !== undefined) return reject(new Error(d.isModule ? conn.api.registry.findMetaError(d.asModule).name : d.toString()));
      void conn.api.rpc.chain.getHeader(r.status.asFinalized).then((h) => resolve({ block: h.number.toNumber(), events: r.events.map((e) => `${e.event.section}.${e.event.method}`) }), reject);
    }).catch(reject);
  });
}

async function eventsAt(block: number): Promise<string[]> {
  const hash = await conn.api.rpc.chain.getBlockHash(block);
  const evs = (await (await conn.api.at(hash)).query.system!.events!()) as unknown as Array<{ event: { section: string; method: string } }>;
  return evs.map((e) => `${e.event.section}.${e.event.method}`);
}

describe('timelocked commits on devnet (spec 343)', () => {
  it('commit, kept without a pulse, revealed with the real quicknet pulse; a corrupted commit dropped silently', async () => {
    const params = await readTimelockCommitParams(conn, NETUID);
    expect(params.commitRevealVersion).toBe(4);
    const payload = encodeWeightsPayload({ hotkey: alice.publicKey, uids: [0, 1], values: [65535, 100], versionKey: 0n });
    const ct = encrypt(payload, 1000n, QUICKNET_PK);
    const good = await send('commitTimelockedWeights', [NETUID, `0x${Buffer.from(ct).toString('hex')}`, 1000, params.commitRevealVersion]);
    expect(good.events).toContain('subtensorModule.TimelockedWeightsCommitted');
    const bad = ct.slice();
    bad[200] = (bad[200] as number) ^ 1;
    await send('commitTimelockedWeights', [NETUID, `0x${Buffer.from(bad).toString('hex')}`, 1000, 4]);
    // A wrong version is refused, as the chain does.
    await expect(send('commitTimelockedWeights', [NETUID, '0x00', 1000, 3])).rejects.toThrow(/IncorrectCommitRevealVersion/);

    const first = firstRevealBlock(good.block, NETUID, 10, 1);
    node.admin('newBlock', [first - node.chain.head.number + 1]);
    // In the reveal epoch, no pulse for round 1000: nothing revealed, both commits kept.
    expect((await eventsAt(first)).filter((e) => e.includes('Timelocked'))).toEqual([]);
    expect((await syncMetagraph(conn, NETUID)).weights[0]).toEqual([]);

    const before = node.chain.head.number;
    const stored = await admin.send('devnet_storePulse', [{ round: 1000, signature: `0x${Buffer.from(ROUND_1000_SIGNATURE).toString('hex')}` }]);
    expect(stored).toBe(1000);
    // A bad pulse is refused naming the field.
    await expect(admin.send('devnet_storePulse', [{ round: 1000, signature: '0x12' }])).rejects.toThrow(/signature/);
    node.admin('newBlock', [1]);
    const revealed: string[] = [];
    for (let b = before + 1; b <= node.chain.head.number; b++) revealed.push(...(await eventsAt(b)).filter((e) => e.includes('Timelocked')));
    expect(revealed).toEqual(['subtensorModule.TimelockedWeightsRevealed']); // one: the corrupted commit left no event
    expect((await syncMetagraph(conn, NETUID)).weights[0]).toEqual([[0, 65535], [1, 100]]);
  });
});
