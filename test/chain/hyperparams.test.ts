import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection, HYPERPARAM_DEFAULTS, readHyperparams, SubnetNotFoundError } from '../../src/chain/index.js';
import { readHyperparamsAt } from '../../src/chain/hyperparams.js';
import { resolveBlock, storageAt } from '../../src/chain/storage/index.js';
import { createDevnet } from '../../src/devnet/index.js';
import { startRpcServer } from '../../src/devnet/index.js';
import type { RpcServer } from '../../src/devnet/index.js';

/* Hyperparameters read from a devnet's storage equal its config; a subnet that does not exist is refused. */

const custom = {
  netuid: 5, tempo: 12, kappa: 30000, weightsSetRateLimit: 7, minAllowedWeights: 3, maxWeightsLimit: 40000, weightsVersionKey: 9,
  commitRevealEnabled: true, revealPeriodEpochs: 3, bondsMovingAverage: 975000, bondsPenalty: 1234, liquidAlpha: true,
  alphaLow: 40000, alphaHigh: 60000, activityCutoff: 555, maxAllowedValidators: 8,
  yuma3: true, // configuration-only on the devnet: spec 233 has no Yuma3On, so a client cannot see it
  neurons: [{ hotkey: '//Alice', stake: 1 }],
};
const plain = { netuid: 6, neurons: [{ hotkey: '//Bob', stake: 1 }] };

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let conn: ChainConnection;

beforeAll(async () => {
  node = await createDevnet({ config: { subnets: [custom, plain] }, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
  conn = await ChainConnection.open({ url: server.url, log: () => {} });
}, 30_000);

afterAll(async () => {
  await conn?.close();
  await server?.close();
  await node?.close();
});

describe('readHyperparams', () => {
  it('equals the config, every field read from storage except Yuma3 (absent at spec 233, defaulted)', async () => {
    const h = await readHyperparams(conn, 5);
    expect(h).toEqual({
      netuid: 5, tempo: 12, kappa: 30000, weightsSetRateLimit: 7n, minAllowedWeights: 3, maxWeightsLimit: 40000, weightsVersionKey: 9n,
      commitRevealEnabled: true, revealPeriodEpochs: 3n, bondsMovingAverage: 975000n, bondsPenalty: 1234, liquidAlpha: true,
      alphaLow: 40000, alphaHigh: 60000, yuma3: HYPERPARAM_DEFAULTS.yuma3, activityCutoff: 555, maxAllowedValidators: 8,
      defaulted: ['yuma3'],
    });
  });

  it('reads the devnet defaults of an unconfigured subnet (activity cutoff from the factor), at the head and at a block hash', async () => {
    node.admin('newBlock', [2]);
    const genesis = (await conn.api.rpc.chain.getBlockHash(0)).toHex();
    for (const at of [undefined, genesis]) {
      const h = await readHyperparams(conn, 6, at);
      expect(h).toMatchObject({
        tempo: 360, kappa: 32767, weightsSetRateLimit: 100n, minAllowedWeights: 1, maxWeightsLimit: 65535, weightsVersionKey: 0n,
        commitRevealEnabled: false, revealPeriodEpochs: 1n, bondsMovingAverage: 900000n, bondsPenalty: 65535, liquidAlpha: false,
        alphaLow: 45875, alphaHigh: 58982, activityCutoff: Math.floor((13889 * 360) / 1000), maxAllowedValidators: 64,
      });
    }
  });

  it('refuses a subnet that does not exist, with a clear error', async () => {
    const err = await readHyperparams(conn, 42).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubnetNotFoundError);
    expect((err as SubnetNotFoundError).code).toBe('ERR_SUBNET_NOT_FOUND');
    expect((err as Error).message).toMatch(/^subnet 42 does not exist at block \d+/);
  });

  it('gives a runtime without an item the documented default and lists it in `defaulted`', async () => {
    const s = await storageAt(conn, await resolveBlock(conn, 'best'));
    // The same chain, seen as an older runtime without these storage items.
    const older = { ...s, pallet: { ...s.pallet, bondsPenalty: undefined, alphaValues: undefined, activityCutoff: undefined, liquidAlphaOn: undefined } };
    const h = await readHyperparamsAt(conn, older, 5);
    expect(h.defaulted).toEqual(['bondsPenalty', 'liquidAlpha', 'alphaLow', 'alphaHigh', 'yuma3', 'activityCutoff']);
    expect(h).toMatchObject({
      bondsPenalty: HYPERPARAM_DEFAULTS.bondsPenalty, liquidAlpha: false, alphaLow: 45875, alphaHigh: 58982,
      activityCutoff: Math.floor((13889 * 12) / 1000), // the contract's rule on the tempo that was read
      tempo: 12, kappa: 30000,
    });
  });

  it('refuses a netuid outside u16', async () => {
    await expect(readHyperparams(conn, -1)).rejects.toThrow(/option netuid/);
  });
});
