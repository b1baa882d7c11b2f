import type { ApiPromise } from '@polkadot/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WeightsPipeline } from '../../../src/chain/weights/index.js';
import { CHOPSTICKS_DEFAULT_VERSION } from './chopsticks-process.js';
import type { RuntimeHarness } from './harness.js';
import type { NeuronKeys, SubnetCreated } from './subnet-setup.js';

/*
 * Opt-in: the weight pipeline's happy path against a REAL subtensor runtime (the wasm in a raw chain spec), executed by
 * chopsticks. Set SUBTENSOR_CHAIN_SPEC to the spec's path (docs/chopsticks.md says where to get one; never commit it).
 * The subnet is made with the runtime's own extrinsics; our client (src/chain, src/chain/weights) then syncs it, sets
 * weights, is rescheduled by the rate limit, and commits then reveals. Each result is read back independently with
 * @polkadot/api's typed queries or compared with what the runtime's events said.
 */

const SPEC = process.env['SUBTENSOR_CHAIN_SPEC'];
const VERSION = process.env['CHOPSTICKS_VERSION'] ?? CHOPSTICKS_DEFAULT_VERSION;
const SKIP_REASON = 'SUBTENSOR_CHAIN_SPEC is not set (a raw subtensor chain spec; see docs/chopsticks.md)';
if (SPEC === undefined || SPEC === '') console.log(`chopsticks happy path skipped: ${SKIP_REASON}`);

const PARAMS = { tempo: 10, weightsSetRateLimit: 4, weightsVersionKey: 5n, minAllowedWeights: 2 };
const STAKE = 100_000_000_000n; // 100 TAO to the owner's hotkey
const MINUTE = 60_000;

const log = (line: string): void => {
  if (process.env['CHOPSTICKS_VERBOSE'] !== undefined) console.log(line);
};

// @polkadot/api and our chain client are imported in beforeAll: skipped, this file costs `npm test` next to nothing.
describe.skipIf(SPEC === undefined || SPEC === '')(`weights happy path on a real subtensor runtime under chopsticks ${VERSION}`, () => {
  let h: RuntimeHarness;
  let lib: { chain: typeof import('../../../src/chain/index.js'); setup: typeof import('./subnet-setup.js') };
  let api: ApiPromise;
  let sub: SubnetCreated;
  let keys: NeuronKeys[];
  let pipeline: WeightsPipeline;
  let timings: Record<string, number> = {};

  type Q = Record<string, (...a: unknown[]) => Promise<{ toJSON(): unknown; toString(): string }>>;
  const query = (): Q => (api.query as unknown as Record<string, Q>)['subtensorModule'] as Q;
  const head = (): Promise<number> => h.head();

  /**
   * Builds blocks one at a time while the head is below `target() - 1`, until stopped: the pipeline then sends at
   * `target() - 1` and chopsticks (Instant mode) builds block `target()` with it. Never builds past that point.
   */
  function ticker(target: () => number | null): { stop(): Promise<void> } {
    let stopped = false;
    const run = (async () => {
      while (!stopped) {
        const t = target();
        if (t !== null && (await head()) < t - 1) await h.cs.rpc('dev_newBlock', [{ count: 1 }]);
        else await new Promise((r) => setTimeout(r, 50));
      }
    })();
    return { stop: async () => { stopped = true; await run; } };
  }

  beforeAll(async () => {
    const [harness, chain, setup] = await Promise.all([import('./harness.js'), import('../../../src/chain/index.js'), import('./subnet-setup.js')]);
    lib = { chain, setup };
    h = await harness.startRuntimeHarness(SPEC as string, VERSION, log);
    api = h.api;
    timings = h.timings;
    keys = [h.keys.Alice, h.keys.Bob, h.keys.Charlie, h.keys.Dave];
    const t = Date.now();
    sub = await setup.createSubnet(api, h.keys.Alice.hotkey, keys[0]!, keys.slice(1), PARAMS, STAKE);
    timings['subnet setup'] = Date.now() - t;
    pipeline = h.pipeline(keys[0]!);
  }, 15 * MINUTE);

  afterAll(async () => {
    await h?.close();
    console.log(`chopsticks happy path timings (ms): ${JSON.stringify(timings)}`);
  }, 2 * MINUTE);

  it('syncs the metagraph the runtime wrote: uids, hotkeys, coldkeys, registration blocks, stake, hyperparameters', async () => {
    const t = Date.now();
    const m = await lib.chain.syncMetagraph(h.conn, sub.netuid, { at: sub.staked.blockHash });
    timings['metagraph sync'] = Date.now() - t;
    expect(m.block).toBe(sub.staked.block);
    expect(m.n).toBe(4);
    // register_network gives the owner's hotkey uid 0 (no NeuronRegistered event); burned_register emits one each.
    expect(sub.registered.map((r) => r.uid)).toEqual([1, 2, 3]);
    expect(m.hotkeys).toEqual(keys.map((k) => k.hotkey.address));
    expect(m.coldkeys).toEqual(keys.map((k) => k.coldkey.address));
    const registeredAt = [sub.addedBlock, ...sub.registered.map((r) => r.block)];
    expect(m.blockAtRegistration).toEqual(registeredAt);
    // The runtime stamps LastUpdate with the registration block.
    expect(m.lastUpdate).toEqual(registeredAt);
    // Stake: what @polkadot/api's typed query reads at the same block (another decoder than our raw path).
    const at = await api.at(sub.staked.blockHash);
    const typed = await Promise.all(keys.map(async (k) => BigInt(((await (at.query['subtensorModule']!['totalHotkeyAlpha']!(k.hotkey.address, sub.netuid))) as unknown as { toString(): string }).toString())));
    expect(m.stake).toEqual(typed);
    expect(m.stake[0]).toBeGreaterThan(0n);
    expect(m.stakeSource).toBe('TotalHotkeyAlpha');
    expect(m.ownerHotkey).toBe(keys[0]!.hotkey.address);
    expect(m.ownerUid).toBe(0);
    expect(m.weights).toEqual([[], [], [], []]);
    const hp = await lib.chain.readHyperparams(h.conn, sub.netuid);
    expect([hp.tempo, hp.weightsSetRateLimit, hp.weightsVersionKey, hp.minAllowedWeights, hp.commitRevealEnabled]).toEqual([PARAMS.tempo, BigInt(PARAMS.weightsSetRateLimit), PARAMS.weightsVersionKey, PARAMS.minAllowedWeights, false]);
  }, 5 * MINUTE);

  it('sets weights with set_weights: the runtime stores them (max-upscaled) and stamps LastUpdate', async () => {
    // An epoch first: validator permits are the epoch's to give.
    await lib.setup.advanceTo(api, h.cs, (await head()) + PARAMS.tempo + 2);
    const state = await pipeline.readState(sub.netuid);
    expect([state.n, state.uid, state.weightsVersionKey, state.minAllowedWeights]).toEqual([4, 0, PARAMS.weightsVersionKey, PARAMS.minAllowedWeights]);
    expect(state.validatorPermit[0]).toBe(true);
    const t = Date.now();
    const r = await pipeline.setWeights({ netuid: sub.netuid, uids: [1, 2, 3], values: [30000, 20000, 10000] });
    timings['set_weights'] = Date.now() - t;
    expect(r.intent.state).toBe('finalized');
    expect(r.intent.versionKey).toBe(PARAMS.weightsVersionKey);
    expect(r.intent.blockNumber).toBe(state.block + 1);
    // The chain stores the weights scaled so that the largest is 65535 (max_upscale_to_u16).
    const row = (await query()['weights']!(sub.netuid, 0)).toJSON();
    expect(row).toEqual([[1, 65535], [2, Math.round((20000 * 65535) / 30000)], [3, Math.round((10000 * 65535) / 30000)]]);
    const m = await lib.chain.syncMetagraph(h.conn, sub.netuid);
    expect(m.weights[0]).toEqual(row);
    expect(m.lastUpdate[0]).toBe(r.intent.blockNumber);
  }, 5 * MINUTE);

  it('reschedules a rate-limited set_weights to LastUpdate + WeightsSetRateLimit; the runtime refuses the block before', async () => {
    const last = ((await query()['lastUpdate']!(sub.netuid)).toJSON() as number[])[0]!;
    const first = last + PARAMS.weightsSetRateLimit;
    const preview = await pipeline.preview({ netuid: sub.netuid, uids: [1, 2], values: [1, 1] });
    expect(preview.verdict).toMatchObject({ ok: false, chainError: 'SettingWeightsTooFast', firstAllowedBlock: first });
    // The runtime's own answer one block early: the same weights, unvalidated, land in block first - 1 and fail.
    await lib.setup.advanceTo(api, h.cs, first - 2);
    const probe = lib.setup.tx(api, 'subtensorModule', 'setWeights', sub.netuid, [1, 2], [1, 1], PARAMS.weightsVersionKey);
    const early = await lib.setup.submitAndCheck(api, keys[0]!.hotkey, probe, 'set_weights one block early').then(() => 'landed', (e: Error) => e.message);
    expect(early).toMatch(/SettingWeightsTooFast$/);
    expect(await head()).toBe(first - 1);
    const t = Date.now();
    const r = await pipeline.setWeights({ netuid: sub.netuid, uids: [1, 2], values: [1, 1] });
    timings['rate-limited set_weights'] = Date.now() - t;
    expect(r.intent.blockNumber).toBe(first);
    expect((await query()['weights']!(sub.netuid, 0)).toJSON()).toEqual([[1, 65535], [2, 65535]]);
  }, 5 * MINUTE);

  it('commits with commit_weights, then reveals in the reveal window: the runtime stores the revealed weights', async () => {
    await lib.setup.submitAndCheck(api, keys[0]!.hotkey, lib.setup.tx(api, 'sudo', 'sudo', lib.setup.tx(api, 'adminUtils', 'sudoSetCommitRevealWeightsEnabled', sub.netuid, true)), 'enable commit-reveal');
    await lib.setup.submitAndCheck(api, keys[0]!.hotkey, lib.setup.tx(api, 'sudo', 'sudo', lib.setup.tx(api, 'adminUtils', 'sudoSetCommitRevealWeightsInterval', sub.netuid, 1)), 'reveal period 1');
    let target: number | null = null;
    const preview = await pipeline.preview({ netuid: sub.netuid, uids: [1, 3], values: [65535, 4000] });
    expect(preview.kind).toBe('commit_weights');
    if (!preview.verdict.ok) target = preview.verdict.firstAllowedBlock;
    const tick = ticker(() => target);
    try {
      let t = Date.now();
      const c = await pipeline.submit({ netuid: sub.netuid, uids: [1, 3], values: [65535, 4000] });
      timings['commit_weights'] = Date.now() - t;
      expect(c.intent.kind).toBe('commit_weights');
      expect(c.intent.state).toBe('finalized');
      const onChain = (await query()['weightCommits']!(sub.netuid, keys[0]!.hotkey.address)).toJSON() as Array<[string, number, number, number]>;
      const mine = onChain.find(([h]) => h === c.intent.commitHash);
      expect(mine).toBeDefined();
      // The runtime's own reveal window for the commit (first and last reveal block) is the one we computed.
      expect([mine![1], mine![2], mine![3]]).toEqual([c.intent.blockNumber, c.revealWindow!.first, c.revealWindow!.last]);
      target = c.revealWindow!.first;
      t = Date.now();
      const out = await pipeline.revealPending();
      timings['reveal (incl. waiting for the window)'] = Date.now() - t;
      expect(out.map((o) => o.status)).toEqual(['revealed']);
      expect(out[0]!.reveal!.blockNumber).toBe(c.revealWindow!.first);
      expect((await query()['weights']!(sub.netuid, 0)).toJSON()).toEqual([[1, 65535], [3, 4000]]);
      expect((await query()['weightCommits']!(sub.netuid, keys[0]!.hotkey.address)).toJSON() ?? []).toEqual([]);
    } finally {
      await tick.stop();
    }
  }, 10 * MINUTE);
});
