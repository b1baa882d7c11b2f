import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHOPSTICKS_DEFAULT_VERSION } from '../chain/chopsticks/chopsticks-process.js';
import type { RuntimeHarness } from '../chain/chopsticks/harness.js';
import type { SubnetCreated } from '../chain/chopsticks/subnet-setup.js';
import type { ReplayReport } from '../../src/replay/index.js';

/*
 * Opt-in (issue 18, "Done means" 3): replay against a REAL subtensor runtime (the wasm in a raw chain spec, e.g. the
 * raonet spec), executed by chopsticks as in test/chain/chopsticks (docs/chopsticks.md). A subnet is made with the
 * runtime's own extrinsics, two validators set changing weights over several epochs, and `replay` re-runs every epoch
 * the runtime recorded (found through LastMechansimStepBlock) and compares it with what the runtime stored. The test
 * prints the report; it asserts that every epoch was found, compared, and either matched or diagnosed.
 */

const SPEC = process.env['SUBTENSOR_CHAIN_SPEC'];
const VERSION = process.env['CHOPSTICKS_VERSION'] ?? CHOPSTICKS_DEFAULT_VERSION;
if (SPEC === undefined || SPEC === '') console.log('chopsticks replay skipped: SUBTENSOR_CHAIN_SPEC is not set (a raw subtensor chain spec; see docs/chopsticks.md)');

const PARAMS = { tempo: 10, weightsSetRateLimit: 0, weightsVersionKey: 0n, minAllowedWeights: 1, maxAllowedValidators: 4 };
const STAKE = 100_000_000_000n;
const MINUTE = 60_000;
const log = (line: string): void => { if (process.env['CHOPSTICKS_VERBOSE'] !== undefined) console.log(line); };

describe.skipIf(SPEC === undefined || SPEC === '')(`replay on a real subtensor runtime under chopsticks ${VERSION}`, () => {
  let h: RuntimeHarness;
  let sub: SubnetCreated;
  let report: ReplayReport;
  let firstSet: number | undefined;

  beforeAll(async () => {
    const [harness, setup, replayLib] = await Promise.all([import('../chain/chopsticks/harness.js'), import('../chain/chopsticks/subnet-setup.js'), import('../../src/replay/index.js')]);
    h = await harness.startRuntimeHarness(SPEC as string, VERSION, log);
    const keys = [h.keys.Alice, h.keys.Bob, h.keys.Charlie, h.keys.Dave];
    sub = await setup.createSubnet(h.api, h.keys.Alice.hotkey, keys[0]!, keys.slice(1), PARAMS, STAKE, [h.keys.Bob]);
    // One epoch first, for the permits; then changing weights from both validators, one set per epoch.
    await setup.advanceTo(h.api, h.cs, (await h.head()) + PARAMS.tempo + 2);
    const rounds: Array<[number[], number[]]> = [[[1, 2, 3], [30000, 20000, 10000]], [[2, 3], [65535, 100]], [[1, 3], [5, 65535]], [[1, 2, 3], [1, 1, 1]]];
    for (const [k, [uids, values]] of rounds.entries()) {
      const landed = await setup.submitAndCheck(h.api, h.keys.Alice.hotkey, setup.tx(h.api, 'subtensorModule', 'setWeights', sub.netuid, uids, values, 0), `alice set_weights ${k}`);
      await setup.submitAndCheck(h.api, h.keys.Bob.hotkey, setup.tx(h.api, 'subtensorModule', 'setWeights', sub.netuid, [0, ...uids.slice(1)], [...values].reverse(), 0), `bob set_weights ${k}`);
      firstSet ??= landed.blockNumber;
      await setup.advanceTo(h.api, h.cs, (await h.head()) + PARAMS.tempo + 1);
    }
    const t = Date.now();
    report = await replayLib.replay({ netuid: sub.netuid, from: sub.addedBlock, to: await h.head(), source: replayLib.chainSource(h.conn) });
    console.log(`chopsticks replay (${Date.now() - t} ms): ${JSON.stringify({ ...report, epochs: report.epochs.map((e) => ({ block: e.block, match: e.match, fields: e.fields.map((f) => `${f.field}: ${f.uids} uids, first ${f.firstUid}, chain ${JSON.stringify(f.expected)}, replay ${JSON.stringify(f.got)}`), diagnosis: e.diagnosis })) }, null, 2)}`);
  }, 20 * MINUTE);

  afterAll(async () => { await h?.close(); }, 2 * MINUTE);

  it('finds the mechanism steps the runtime recorded, and says its outputs are not Yuma\'s once weights are set', () => {
    // This runtime records a mechanism step (LastMechansimStepBlock) in every block, whatever the tempo.
    expect(report.epochs.map((e) => e.block)).toEqual(Array.from({ length: report.to - sub.addedBlock }, (_, i) => sub.addedBlock + 1 + i));
    const weighted = report.epochs.filter((e) => e.block > firstSet! + 1);
    expect(weighted.length).toBeGreaterThanOrEqual(30);
    for (const e of weighted) {
      expect(e.match).toBe(false);
      expect(e.diagnosis).toMatch(/^does not run Yuma: /);
      expect(e.diagnosis).toMatch(/the runtime recorded its previous mechanism step 1 block before this one, with tempo 10$/);
    }
  });
});
