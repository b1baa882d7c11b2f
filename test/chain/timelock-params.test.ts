import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection, readTimelockCommitParams, SubnetNotFoundError } from '../../src/chain/index.js';
import { createDevnet, startRpcServer } from '../../src/devnet/index.js';
import type { RpcServer } from '../../src/devnet/index.js';
import { firstRevealBlock } from '../../src/timelock/index.js';

/*
 * The reveal-round hook on the chain client, against devnet serving spec 233: no timelocked commit call (so no
 * version: the v2 path), the block formula, Tempo and RevealPeriodEpochs from storage. The stored-schedule branch
 * (LastEpochBlock, spec 424) is not exercised until devnet serves spec 424.
 */

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let conn: ChainConnection;

beforeAll(async () => {
  node = await createDevnet({ config: { subnets: [{ netuid: 4, tempo: 12, commitRevealEnabled: true, revealPeriodEpochs: 2, neurons: [{ hotkey: '//Alice', stake: 1 }] }] }, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
  conn = await ChainConnection.open({ url: server.url, log: () => {} });
}, 30_000);

afterAll(async () => {
  await conn?.close();
  await server?.close();
  await node?.close();
});

describe('readTimelockCommitParams (spec 233)', () => {
  it('no commit_timelocked_weights: version null, the formula schedule, tempo and reveal period from storage', async () => {
    node.admin('newBlock', [3]);
    const p = await readTimelockCommitParams(conn, 4);
    expect(p).toMatchObject({ netuid: 4, tempo: 12, revealPeriodEpochs: 2, commitRevealVersion: null, schedule: { kind: 'formula' } });
    expect(p.block).toBeGreaterThanOrEqual(3);
    expect(firstRevealBlock(p.block, 4, p.tempo, p.revealPeriodEpochs, p.schedule)).toBe(Math.floor((p.block + 5) / 13 + 2) * 13 - 5);
  });

  it('a subnet that does not exist is refused', async () => {
    await expect(readTimelockCommitParams(conn, 9)).rejects.toBeInstanceOf(SubnetNotFoundError);
  });
});
