import { InvalidInputError } from '../../errors/index.js';
import { runEpoch } from '../../yuma/index.js';
import type { EpochInput, EpochOutput } from '../../yuma/index.js';
import type { StateStore } from '../state-store.js';
import { StorageCodec } from '../storage-codec.js';
import type { Hex } from '../storage-codec.js';
import { loadRuntime } from '../runtime.js';
import { readCommits, epochIndex } from './commit-reveal.js';
import { configOnlySubnets } from './config-only.js';
import type { ConfigOnlyParams } from './config.js';
import { distributeEmission } from './emission.js';
import { SubtensorStore } from './store.js';

/*
 * The devnet's epochs: at the block where `(block + netuid + 1) % (tempo + 1) == 0` (contracts/devnet.md; tempo 0
 * never runs), a subnet's EpochInput is read from storage, this project's engine runs it in exact mode, and the results
 * are stored the way the chain stores them. Stake is TotalHotkeyAlpha[(hotkey, netuid)] of each uid's hotkey (Keys):
 * what `get_stake_weights_for_network` reads when there is no root stake and no child key, as on the devnet.
 */

/** Whether a subnet runs its epoch in this block (the contract's rule). */
export function isEpochBlock(netuid: number, tempo: number, block: number): boolean {
  return tempo !== 0 && (block + netuid + 1) % (tempo + 1) === 0;
}

/** The uid → hotkey map of a subnet (null where a uid has no Keys entry). */
function hotkeysOf(store: SubtensorStore, netuid: number, n: number): Array<Hex | null> {
  return Array.from({ length: n }, (_, uid) => (store.contains('keys', netuid, uid) ? store.account('keys', netuid, uid) : null));
}

function padded<T>(v: T[], n: number, fill: T): T[] {
  const out = v.slice(0, n);
  while (out.length < n) out.push(fill);
  return out;
}

/**
 * Builds the EpochInput of a subnet from a store (read at its block) for an epoch running in `block`.
 * @param params the subnet's configuration-only parameters
 */
export function buildEpochInput(store: SubtensorStore, block: number, netuid: number, params: ConfigOnlyParams): EpochInput {
  const n = store.num('subnetworkN', netuid);
  const hotkeys = hotkeysOf(store, netuid, n);
  const [alphaLow, alphaHigh] = store.get('alphaValues', netuid).toJSON() as [number, number];
  const commitReveal = store.bool('commitRevealWeightsEnabled', netuid);
  let ownerUid: number | null = null;
  if (store.contains('subnetOwnerHotkey', netuid)) {
    const owner = store.account('subnetOwnerHotkey', netuid);
    if (store.contains('uids', netuid, owner)) ownerUid = store.num('uids', netuid, owner);
  }
  return {
    n,
    block,
    stake: hotkeys.map((h) => (h === null ? '0' : store.big('totalHotkeyAlpha', h, netuid).toString())),
    // get_last_update pads with 0 up to n.
    lastUpdate: padded(store.nums('lastUpdate', netuid), n, 0),
    blockAtRegistration: hotkeys.map((h, uid) => (h === null ? 0 : store.num('blockAtRegistration', netuid, uid))),
    validatorPermit: padded(store.bools('validatorPermit', netuid), n, false),
    weights: Array.from({ length: n }, (_, uid) => store.pairs('weights', netuid, uid)),
    bonds: Array.from({ length: n }, (_, uid) => store.pairs('bonds', netuid, uid)),
    tempo: store.num('tempo', netuid),
    // The cutoff in blocks as stored; the configured factor was turned into it when the subnet was created.
    activityCutoff: store.num('activityCutoff', netuid),
    activityCutoffFactorMilli: params.activityCutoffFactorMilli,
    stakeThreshold: store.big('stakeThreshold').toString(),
    ownerUid,
    maxAllowedValidators: store.num('maxAllowedValidators', netuid),
    kappa: store.num('kappa', netuid),
    bondsPenalty: store.num('bondsPenalty', netuid),
    bondsMovingAverage: store.num('bondsMovingAverage', netuid),
    yuma3: params.yuma3,
    liquidAlpha: store.bool('liquidAlphaOn', netuid),
    alphaLow,
    alphaHigh,
    alphaSigmoidSteepness: params.alphaSigmoidSteepness,
    lastMechanismStepBlock: store.num('lastMechansimStepBlock', netuid),
    commitRevealEnabled: commitReveal,
    commitBlock: commitReveal ? commitBlocks(store, block, netuid, hotkeys) : hotkeys.map(() => null),
    raoEmission: params.raoEmission,
  };
}

/** Per uid, the block of its earliest unexpired commit (null: none): the commit-reveal column mask's input. */
function commitBlocks(store: SubtensorStore, block: number, netuid: number, hotkeys: Array<Hex | null>): Array<number | null> {
  const current = epochIndex(store, netuid, block);
  const period = store.big('revealPeriodEpochs', netuid);
  return hotkeys.map((h) => {
    if (h === null) return null;
    const live = readCommits(store, netuid, h).find((c) => current <= epochIndex(store, netuid, c.commitBlock) + period);
    return live === undefined ? null : Number(live.commitBlock);
  });
}

/**
 * The EpochInput the devnet's epoch in `block` reads for a subnet: the state at the end of the block before. Tests
 * compare `runEpoch(epochInputAt(...))` with what that block stored.
 * @param state the devnet's state (any head at or after `block − 1`)
 */
export function epochInputAt(state: StateStore, block: number, netuid: number, codec: StorageCodec = new StorageCodec(loadRuntime())): EpochInput {
  const store = new SubtensorStore(state, codec, block - 1);
  const params = configOnlySubnets(store).get(netuid);
  if (params === undefined) throw new RangeError(`subnet ${netuid} was not created by the devnet at block ${block - 1}`);
  return buildEpochInput(store, block, netuid, params);
}

/** Stores an epoch's results as the chain's epoch does (run_epoch.rs `epoch`, spec 233). */
function storeResults(store: SubtensorStore, netuid: number, input: EpochInput, out: EpochOutput): void {
  store.set('stakeWeight', netuid, out.stakeWeight);
  store.set('active', netuid, out.active);
  store.set('emission', netuid, out.emission.map((e) => BigInt(e)));
  store.set('consensus', netuid, out.consensus);
  store.set('incentive', netuid, out.incentive);
  store.set('dividends', netuid, out.dividends);
  store.set('validatorTrust', netuid, out.validatorTrust);
  store.set('validatorPermit', netuid, out.validatorPermit);
  // A uid with a new permit stores its bonds row; one that lost its permit gets an empty row; the others keep theirs.
  out.validatorPermit.forEach((permit, uid) => {
    if (permit) store.set('bonds', netuid, uid, out.bonds[uid] ?? []);
    else if (input.validatorPermit[uid] === true) store.set('bonds', netuid, uid, []);
  });
}

/**
 * Runs one subnet's epoch in the block being built: reads its input, runs the engine (exact), stores the results,
 * pays the emission into stakes, and restarts the step counters. Returns the input and the output.
 */
export function runSubnetEpoch(store: SubtensorStore, block: number, netuid: number, params: ConfigOnlyParams): { input: EpochInput; output: EpochOutput } {
  const input = buildEpochInput(store, block, netuid, params);
  const output = runEpoch(input, { mode: 'exact' });
  storeResults(store, netuid, input, output);
  distributeEmission(store, netuid, hotkeysOf(store, netuid, input.n), output);
  store.set('blocksSinceLastStep', netuid, 0);
  store.set('lastMechansimStepBlock', netuid, block);
  return { input, output };
}

/** on_initialize's epochs: every devnet subnet whose epoch falls in this block runs it; the others count a step. */
export function runDueEpochs(store: SubtensorStore, block: number): void {
  for (const [netuid, params] of configOnlySubnets(store)) {
    if (!store.bool('networksAdded', netuid)) continue;
    if (isEpochBlock(netuid, store.num('tempo', netuid), block)) {
      try {
        runSubnetEpoch(store, block, netuid, params);
      } catch (err) {
        // Storage set by hand (devnet_setStorage) can make an input the engine refuses, before anything is written.
        // The chain would not stop producing blocks over one subnet's epoch, so neither does the devnet.
        if (!(err instanceof InvalidInputError)) throw err;
        process.stderr.write(`devnet: subnet ${netuid} skipped its epoch at block ${block}: ${err.message}\n`);
      }
    } else store.set('blocksSinceLastStep', netuid, store.big('blocksSinceLastStep', netuid) + 1n);
  }
}
