import { describeValue, InvalidInputError } from '../../errors/index.js';
import { readInt } from '../../yuma/index.js';
import type { StorageCodec, Hex } from '../storage-codec.js';
import { readNeuron, readSubnet } from './config.js';
import type { NeuronParams, SubnetParams } from './config.js';
import { setConfigOnly } from './config-only.js';
import { increaseStakeForColdkey } from './share-pool.js';
import { SubtensorStore } from './store.js';
import type { WriteTarget } from './store.js';

/*
 * Subnets and neurons as the chain creates them: `init_new_network` with the subnet's parameters made explicit, and
 * `append_neuron` (subnets/uids.rs at spec 233) for each neuron, plus the account links registration makes (Owner,
 * OwnedHotkeys), the stake (the alpha share pool) and the axon. Genesis and the devnet_ admin calls both use these.
 */

/** The per-uid vectors `append_neuron` extends, with the value a new uid starts with (LastUpdate: the block). */
const APPENDED: ReadonlyArray<readonly [string, 'zero' | 'true' | 'false' | 'block']> = [
  ['rank', 'zero'], ['trust', 'zero'], ['active', 'true'], ['emission', 'zero'], ['consensus', 'zero'],
  ['incentive', 'zero'], ['dividends', 'zero'], ['lastUpdate', 'block'], ['pruningScores', 'zero'],
  ['validatorTrust', 'zero'], ['validatorPermit', 'false'],
];

/** What a registration gives back: the uid and the accounts in SS58. */
export interface Registered {
  netuid: number;
  uid: number;
  hotkey: string;
  coldkey: string;
}

/**
 * Appends neurons to a subnet in one pass (the per-uid vectors are read and written once, not once per neuron).
 * @param pathOf where neuron i sits in the caller's input, for error messages
 */
export function registerNeurons(store: SubtensorStore, block: number, netuid: number, neurons: NeuronParams[], pathOf: (i: number) => string): Registered[] {
  const n0 = store.num('subnetworkN', netuid);
  const maxUids = store.num('maxAllowedUids', netuid);
  if (n0 + neurons.length > maxUids) {
    throw new InvalidInputError(pathOf(0), `subnet ${netuid} has ${n0} of at most ${maxUids} uids (MaxAllowedUids); ${neurons.length} more do not fit`);
  }
  // Later runtimes dropped some vectors (spec 424 has no Rank, Trust, PruningScores): only the served ones grow.
  const vectors = APPENDED.filter(([item]) => store.hasItem(item)).map(([item, init]) => {
    const current: unknown[] = init === 'true' || init === 'false' ? store.bools(item, netuid) : store.nums(item, netuid);
    // The vectors are as long as the subnet on chain; pad defensively so the new uids land at their index.
    while (current.length < n0) current.push(init === 'true' ? true : init === 'false' ? false : 0);
    return { item, init, values: current.slice(0, n0) };
  });
  const out: Registered[] = [];
  neurons.forEach((neuron, i) => {
    const uid = n0 + i;
    const hotkey = neuron.hotkey.publicKey;
    const coldkey = neuron.coldkey.publicKey;
    if (store.contains('uids', netuid, hotkey)) {
      throw new InvalidInputError(`${pathOf(i)}.hotkey`, `${neuron.hotkey.address} is already uid ${store.num('uids', netuid, hotkey)} of subnet ${netuid} (HotKeyAlreadyRegisteredInSubNet)`);
    }
    if (store.contains('owner', hotkey) && store.account('owner', hotkey) !== coldkey) {
      throw new InvalidInputError(`${pathOf(i)}.coldkey`, `hotkey ${neuron.hotkey.address} is owned by another coldkey (Owner[hotkey] is set once)`);
    }
    for (const v of vectors) {
      v.values.push(v.init === 'block' ? block : v.init === 'true' ? true : v.init === 'false' ? neuron.permit : 0);
    }
    seatNeuron(store, block, netuid, uid, neuron);
    out.push({ netuid, uid, hotkey: neuron.hotkey.address, coldkey: neuron.coldkey.address });
  });
  for (const v of vectors) store.set(v.item, netuid, v.values);
  store.set('subnetworkN', netuid, n0 + neurons.length);
  return out;
}

/**
 * A hotkey takes uid `uid` in block `block`: Keys, Uids, BlockAtRegistration and IsNetworkMember, the account links
 * registration makes (Owner once, OwnedHotkeys), its stake and its axon. Shared by append_neuron and replace_neuron.
 */
function seatNeuron(store: SubtensorStore, block: number, netuid: number, uid: number, neuron: NeuronParams): void {
  const hotkey = neuron.hotkey.publicKey;
  const coldkey = neuron.coldkey.publicKey;
  store.set('keys', netuid, uid, hotkey);
  store.set('uids', netuid, hotkey, uid);
  store.set('blockAtRegistration', netuid, uid, block);
  store.set('isNetworkMember', hotkey, netuid, true);
  // create_account_if_non_existent: the coldkey owns the hotkey.
  if (!store.contains('owner', hotkey)) store.set('owner', hotkey, coldkey);
  addToList(store, 'ownedHotkeys', coldkey, hotkey);
  if (neuron.stake > 0n) {
    addToList(store, 'stakingHotkeys', coldkey, hotkey);
    increaseStakeForColdkey(store, hotkey, coldkey, netuid, neuron.stake);
  }
  if (neuron.axon !== null) {
    const a = neuron.axon;
    store.set('axons', netuid, hotkey, { block, version: a.version, ip: a.ip, port: a.port, ipType: a.ipType, protocol: a.protocol, placeholder1: 0, placeholder2: 0 });
  }
}

function addToList(store: SubtensorStore, item: string, key: Hex, value: Hex): void {
  const list = store.accounts(item, key);
  if (!list.includes(value)) store.set(item, key, [...list, value]);
}

/**
 * Creates a subnet (`init_new_network` and the explicit parameters) and registers its neurons.
 * @param path where the subnet sits in the caller's input (`subnets[0]`, or `params` for an admin call)
 */
export function addSubnet(store: SubtensorStore, block: number, s: SubnetParams, path: string): Registered[] {
  const netuid = s.netuid;
  if (store.bool('networksAdded', netuid)) throw new InvalidInputError(`${path}.netuid`, `subnet ${netuid} already exists`);
  store.set('networksAdded', netuid, true);
  store.set('totalNetworks', store.num('totalNetworks') + 1);
  store.set('subnetworkN', netuid, 0);
  store.set('networkRegisteredAt', netuid, block);
  store.set('networkRegistrationAllowed', netuid, true);
  // init_new_network's explicit values.
  store.set('immunityPeriod', netuid, 5000);
  store.set('tempo', netuid, s.tempo);
  store.set('kappa', netuid, s.kappa);
  store.set('maxAllowedUids', netuid, s.maxAllowedUids);
  store.set('maxAllowedValidators', netuid, s.maxAllowedValidators);
  store.set('minAllowedWeights', netuid, s.minAllowedWeights);
  store.set('maxWeightsLimit', netuid, s.maxWeightsLimit);
  store.set('weightsSetRateLimit', netuid, s.weightsSetRateLimit);
  store.set('weightsVersionKey', netuid, s.weightsVersionKey);
  store.set('commitRevealWeightsEnabled', netuid, s.commitRevealEnabled);
  store.set('revealPeriodEpochs', netuid, s.revealPeriodEpochs);
  store.set('bondsMovingAverage', netuid, s.bondsMovingAverage);
  store.set('bondsPenalty', netuid, s.bondsPenalty);
  store.set('liquidAlphaOn', netuid, s.liquidAlpha);
  store.set('alphaValues', netuid, [s.alphaLow, s.alphaHigh]);
  store.set('activityCutoff', netuid, s.activityCutoff);
  if (s.stakeThreshold !== null) store.set('stakeThreshold', s.stakeThreshold);
  setConfigOnly(store, netuid, s);
  const registered = registerNeurons(store, block, netuid, s.neurons, (i) => `${path}.neurons[${i}]`);
  if (s.ownerUid !== null) {
    const owner = s.neurons[s.ownerUid];
    if (owner !== undefined) {
      store.set('subnetOwnerHotkey', netuid, owner.hotkey.publicKey);
      store.set('subnetOwner', netuid, owner.coldkey.publicKey);
    }
  }
  return registered;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The devnet_createSubnet admin call: a subnet object as in the config file (its `netuid` optional: the lowest free
 * one), written into the block being built. Returns the netuid and the registered neurons.
 * @throws InvalidInputError naming the parameter that is wrong (`params.neurons[1].hotkey`)
 */
export function createSubnet(target: WriteTarget, codec: StorageCodec, params: unknown): { netuid: number; neurons: Registered[] } {
  const store = SubtensorStore.building(target, codec);
  let free: number | undefined;
  if (isObj(params) && params.netuid === undefined) {
    free = 1;
    while (store.bool('networksAdded', free)) free++;
    if (free > 65535) throw new InvalidInputError('params.netuid', 'every netuid is taken');
  }
  const subnet = readSubnet(params, '', free);
  return atomically(target, () => ({ netuid: subnet.netuid, neurons: addSubnet(store, target.number, subnet, 'params') }));
}

/** Runs an admin write all or nothing: a refusal after some writes (a later neuron's owner conflict) undoes them. */
function atomically<T>(target: WriteTarget, write: () => T): T {
  const save = target.state.checkpoint();
  try {
    return write();
  } catch (err) {
    target.state.restore(save);
    throw err;
  }
}

/**
 * The devnet_registerNeuron admin call: `{ netuid, hotkey, coldkey?, stake?, permit?, axon? }`, appended to the subnet
 * in the block being built (BlockAtRegistration and LastUpdate are that block).
 * @throws InvalidInputError naming the parameter that is wrong
 */
export function registerNeuron(target: WriteTarget, codec: StorageCodec, params: unknown): Registered {
  if (!isObj(params)) throw new InvalidInputError('params', `expected { "netuid": 1, "hotkey": "//Bob", ... }, got ${describeValue(params)}`);
  if (params.netuid === undefined) throw new InvalidInputError('params.netuid', 'is required');
  const netuid = readInt(params.netuid, 'params.netuid', 0, 65535);
  const { netuid: _netuid, ...rest } = params;
  const neuron = readNeuron(rest, 'params');
  const store = SubtensorStore.building(target, codec);
  if (!store.bool('networksAdded', netuid)) throw new InvalidInputError('params.netuid', `subnet ${netuid} does not exist`);
  const [registered] = atomically(target, () => registerNeurons(store, target.number, netuid, [neuron], () => 'params'));
  return registered as Registered;
}

/**
 * The devnet_replaceNeuron admin call: `{ netuid, uid, hotkey, coldkey?, stake?, axon? }` takes over an existing uid,
 * as a registration into a full subnet does (`replace_neuron`, subnets/uids.rs at spec 233): the old hotkey leaves
 * (Uids, IsNetworkMember), the new one gets Keys, Uids, IsNetworkMember, BlockAtRegistration = this block and
 * Active = true. Everything else of the uid (weights, bonds, last update, permit) stays, as on chain; the epoch masks
 * the bonds and outdated weights pointing at it by its registration block.
 * @throws InvalidInputError naming the parameter that is wrong
 */
export function replaceNeuron(target: WriteTarget, codec: StorageCodec, params: unknown): Registered {
  if (!isObj(params)) throw new InvalidInputError('params', `expected { "netuid": 1, "uid": 3, "hotkey": "//Ferdie", ... }, got ${describeValue(params)}`);
  for (const k of ['netuid', 'uid'] as const) if (params[k] === undefined) throw new InvalidInputError(`params.${k}`, 'is required');
  const netuid = readInt(params.netuid, 'params.netuid', 0, 65535);
  const uid = readInt(params.uid, 'params.uid', 0, 65535);
  const { netuid: _netuid, uid: _uid, ...rest } = params;
  if (rest['permit'] !== undefined) throw new InvalidInputError('params.permit', 'a replaced uid keeps its permit until the next epoch; permit is not accepted here');
  const neuron = readNeuron(rest, 'params');
  const store = SubtensorStore.building(target, codec);
  if (!store.bool('networksAdded', netuid)) throw new InvalidInputError('params.netuid', `subnet ${netuid} does not exist`);
  const n = store.num('subnetworkN', netuid);
  if (uid >= n) throw new InvalidInputError('params.uid', `subnet ${netuid} has ${n} uids; uid ${uid} does not exist`);
  const hotkey = neuron.hotkey.publicKey;
  const coldkey = neuron.coldkey.publicKey;
  if (store.contains('uids', netuid, hotkey)) throw new InvalidInputError('params.hotkey', `${neuron.hotkey.address} is already uid ${store.num('uids', netuid, hotkey)} of subnet ${netuid} (HotKeyAlreadyRegisteredInSubNet)`);
  if (store.contains('owner', hotkey) && store.account('owner', hotkey) !== coldkey) {
    throw new InvalidInputError('params.coldkey', `hotkey ${neuron.hotkey.address} is owned by another coldkey (Owner[hotkey] is set once)`);
  }
  return atomically(target, () => {
    const block = target.number;
    if (store.contains('keys', netuid, uid)) {
      const old = store.account('keys', netuid, uid);
      store.remove('uids', netuid, old);
      store.remove('isNetworkMember', old, netuid);
    }
    seatNeuron(store, block, netuid, uid, neuron);
    const active = store.bools('active', netuid);
    while (active.length < n) active.push(true);
    active[uid] = true;
    store.set('active', netuid, active);
    return { netuid, uid, hotkey: neuron.hotkey.address, coldkey: neuron.coldkey.address };
  });
}
