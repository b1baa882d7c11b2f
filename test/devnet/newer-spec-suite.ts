import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection, readHyperparams, readTimelockCommitParams, syncMetagraph } from '../../src/chain/index.js';
import { createDevnet } from '../../src/devnet/node.js';
import { startRpcServer } from '../../src/devnet/rpc/index.js';
import type { RpcServer } from '../../src/devnet/rpc/index.js';
import { selectDevnetSpec } from '../../src/devnet/runtime.js';

/*
 * The suite run once per newer runtime (spec343.test.ts, spec424.test.ts: the runtime is chosen per process, before the
 * first load, so each spec needs its own file): the chain client sees the spec, its timelocked commit call and version
 * item, syncs the metagraph, and set_weights lands through the served metadata.
 */

/** Defines the suite for `spec`, whose timelock schedule the client reads as `schedule`. */
export function describeNewerSpec(spec: 343 | 424, schedule: 'formula' | 'stored'): void {
  selectDevnetSpec(spec);

  type Node = Awaited<ReturnType<typeof createDevnet>>;
  let node: Node;
  let server: RpcServer;
  let conn: ChainConnection;
  let alice: KeyringPair;

  beforeAll(async () => {
    node = await createDevnet({
      config: { subnets: [{ netuid: 2, tempo: 10, commitRevealEnabled: false, revealPeriodEpochs: 1, neurons: [{ hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob' }] }] },
      blockTimeMs: 0,
      log: () => {},
    });
    server = await startRpcServer(node);
    conn = await ChainConnection.open({ url: server.url, log: () => {} });
    alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
  }, 60_000);

  afterAll(async () => {
    await conn?.close();
    await server?.close();
    await node?.close();
  });

  describe(`devnet on spec ${spec}`, () => {
    it(`serves spec ${spec}, with commit_timelocked_weights and CommitRevealWeightsVersion 4`, async () => {
      expect(conn.api.runtimeVersion.specVersion.toNumber()).toBe(spec);
      expect(conn.api.tx.subtensorModule?.commitTimelockedWeights).toBeDefined();
      const p = await readTimelockCommitParams(conn, 2);
      expect(p).toMatchObject({ tempo: 10, revealPeriodEpochs: 1, commitRevealVersion: 4 });
      // Spec 424 has LastEpochBlock, so the client takes the stored schedule; spec 343 has not. (Devnet does not
      // maintain LastEpochBlock yet, its epochs follow the formula: docs/timelock.md.)
      expect(p.schedule.kind).toBe(schedule);
    });

    it(`the metagraph and hyperparameters read through spec ${spec}'s metadata`, async () => {
      const m = await syncMetagraph(conn, 2);
      expect(m.hotkeys).toHaveLength(2);
      expect(m.hotkeys[0]).toBe(alice.address);
      const h = await readHyperparams(conn, 2);
      expect(h.tempo).toBe(10);
      expect(h.defaulted).not.toContain('yuma3'); // the newer specs store Yuma3On; spec 233 does not
    });

    it('set_weights is accepted and the weights are stored', async () => {
      node.admin('newBlock', [2]);
      const tx = conn.api.tx.subtensorModule!.setWeights!(2, [0, 1], [65535, 100], 0);
      const block = await new Promise<number>((resolve, reject) => {
        tx.signAndSend(alice, (r) => {
          if (!r.status.isFinalized) return;
          if (r.dispatchError !== undefined) reject(new Error(r.dispatchError.toString()));
          else void conn.api.rpc.chain.getHeader(r.status.asFinalized).then((hd) => resolve(hd.number.toNumber()), reject);
        }).catch(reject);
      });
      const m = await syncMetagraph(conn, 2, { at: block });
      expect(m.weights[0]).toEqual([[0, 65535], [1, 100]]);
    });
  });
}
