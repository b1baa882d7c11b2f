import { describeValue, InvalidInputError } from '../../errors/index.js';
import { EPOCH_DEFAULTS, readInt, readU64 } from '../../yuma/index.js';
import { readAccount } from './accounts.js';
import type { DevAccount } from './accounts.js';
import { readIp } from './ip.js';

/*
 * The devnet's subnet config (contracts/devnet.md, "Config file"), validated key by key: every error names the place
 * (`subnets[0].neurons[2].hotkey`). The same subnet and neuron readers check the devnet_createSubnet and
 * devnet_registerNeuron admin parameters.
 */

type Obj = Record<string, unknown>;

/** An axon as AxonInfo stores it. */
export interface AxonParams {
  ip: bigint;
  ipType: 4 | 6;
  port: number;
  protocol: number;
  version: number;
}

/** A neuron to register. */
export interface NeuronParams {
  hotkey: DevAccount;
  /** Defaults to the hotkey. */
  coldkey: DevAccount;
  /** Alpha stake in rao, staked by the coldkey on the hotkey. */
  stake: bigint;
  /** A validator permit from the start (otherwise permits come from the first epoch). */
  permit: boolean;
  axon: AxonParams | null;
}

/**
 * The parameters no storage item of the served runtime holds (docs/devnet.md): they drive the devnet's own epoch and
 * are kept in the devnet's state, so a resumed `--db` keeps them.
 */
export interface ConfigOnlyParams {
  yuma3: boolean;
  alphaSigmoidSteepness: number;
  activityCutoffFactorMilli: number;
  /** The alpha each epoch distributes, in rao (the chain derives it from block emission and pool prices). */
  raoEmission: string;
}

/** A subnet with every default applied. */
export interface SubnetParams extends ConfigOnlyParams {
  netuid: number;
  tempo: number;
  kappa: number;
  maxAllowedValidators: number;
  maxAllowedUids: number;
  minAllowedWeights: number;
  maxWeightsLimit: number;
  weightsSetRateLimit: bigint;
  weightsVersionKey: bigint;
  commitRevealEnabled: boolean;
  revealPeriodEpochs: bigint;
  bondsMovingAverage: number;
  bondsPenalty: number;
  liquidAlpha: boolean;
  alphaLow: number;
  alphaHigh: number;
  /** ActivityCutoff in blocks, as stored: the given one, else `max(factor·tempo/1000, 1)`. */
  activityCutoff: number;
  /** The global StakeThreshold, when this subnet sets it. */
  stakeThreshold: bigint | null;
  ownerUid: number | null;
  neurons: NeuronParams[];
}

/** The validated config file. */
export interface SubtensorConfig {
  subnets: SubnetParams[];
}

/** Defaults of a subnet's parameters: the chain's for a new subnet (init_new_network, runtime constants). */
export const SUBNET_DEFAULTS = Object.freeze({
  tempo: EPOCH_DEFAULTS.tempo,
  kappa: EPOCH_DEFAULTS.kappa,
  maxAllowedValidators: EPOCH_DEFAULTS.maxAllowedValidators,
  maxAllowedUids: 256,
  minAllowedWeights: 1,
  maxWeightsLimit: 65535,
  weightsSetRateLimit: 100n,
  weightsVersionKey: 0n,
  commitRevealEnabled: false,
  revealPeriodEpochs: 1n,
  bondsMovingAverage: EPOCH_DEFAULTS.bondsMovingAverage,
  bondsPenalty: EPOCH_DEFAULTS.bondsPenalty,
  liquidAlpha: EPOCH_DEFAULTS.liquidAlpha,
  alphaLow: EPOCH_DEFAULTS.alphaLow,
  alphaHigh: EPOCH_DEFAULTS.alphaHigh,
  yuma3: EPOCH_DEFAULTS.yuma3,
  alphaSigmoidSteepness: EPOCH_DEFAULTS.alphaSigmoidSteepness,
  activityCutoffFactorMilli: EPOCH_DEFAULTS.activityCutoffFactorMilli,
  raoEmission: EPOCH_DEFAULTS.raoEmission.toString(),
});

const SUBNET_KEYS: ReadonlySet<string> = new Set([
  'netuid', 'neurons', 'tempo', 'activityCutoffFactorMilli', 'activityCutoff', 'stakeThreshold', 'ownerUid',
  'maxAllowedValidators', 'maxAllowedUids', 'kappa', 'bondsPenalty', 'bondsMovingAverage', 'yuma3', 'liquidAlpha',
  'alphaLow', 'alphaHigh', 'alphaSigmoidSteepness', 'commitRevealEnabled', 'raoEmission', 'weightsSetRateLimit',
  'minAllowedWeights', 'maxWeightsLimit', 'weightsVersionKey', 'revealPeriodEpochs',
]);

/** EpochInput fields a subnet cannot set, and why. */
const NOT_CONFIG: Readonly<Record<string, string>> = {
  lastMechanismStepBlock: 'is chain state the devnet keeps itself (LastMechansimStepBlock), not configuration',
  commitBlock: 'is chain state the devnet derives from WeightCommits, not configuration',
  winnerTakesAll: 'is a simulation feature, not a chain rule; the devnet behaves like the chain',
};

const NEURON_KEYS: ReadonlySet<string> = new Set(['hotkey', 'coldkey', 'stake', 'permit', 'axon']);
const AXON_KEYS: ReadonlySet<string> = new Set(['ip', 'port', 'protocol', 'version']);

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Obj, allowed: ReadonlySet<string>, path: string, what: string, refused: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(o)) {
    const why = refused[key];
    if (why !== undefined) throw new InvalidInputError(`${path}.${key}`, why);
    if (!allowed.has(key)) throw new InvalidInputError(`${path}.${key}`, `is not ${what} field (expected one of ${[...allowed].join(', ')})`);
  }
}

function readBool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new InvalidInputError(path, `expected true or false, got ${describeValue(v)}`);
  return v;
}

function opt<T>(o: Obj, key: string, path: string, fallback: T, read: (v: unknown, path: string) => T): T {
  return o[key] === undefined ? fallback : read(o[key], `${path}.${key}`);
}

const u16 = (v: unknown, p: string): number => readInt(v, p, 0, 65535);
const u64 = (v: unknown, p: string): bigint => readU64(v, p);

/** Reads an axon: `{ ip, port, protocol?, version? }`. */
function readAxon(v: unknown, path: string): AxonParams {
  if (!isObj(v)) throw new InvalidInputError(path, `expected an axon object { "ip": "127.0.0.1", "port": 8091 }, got ${describeValue(v)}`);
  checkKeys(v, AXON_KEYS, path, 'an axon');
  if (v.ip === undefined) throw new InvalidInputError(`${path}.ip`, 'is required');
  if (v.port === undefined) throw new InvalidInputError(`${path}.port`, 'is required');
  return {
    ...readIp(v.ip, `${path}.ip`),
    port: u16(v.port, `${path}.port`),
    // 4 is what the SDK's serve_axon sends by default.
    protocol: opt(v, 'protocol', path, 4, (x, p) => readInt(x, p, 0, 255)),
    version: opt(v, 'version', path, 0, (x, p) => readInt(x, p, 0, 0xffff_ffff)),
  };
}

/**
 * Reads a neuron: `{ hotkey, coldkey?, stake?, permit?, axon? }`.
 * @param path where it sits, e.g. `subnets[0].neurons[2]`
 */
export function readNeuron(v: unknown, path: string): NeuronParams {
  if (!isObj(v)) throw new InvalidInputError(path, `expected a neuron object with a "hotkey", got ${describeValue(v)}`);
  checkKeys(v, NEURON_KEYS, path, 'a neuron');
  if (v.hotkey === undefined) throw new InvalidInputError(`${path}.hotkey`, 'is required');
  const hotkey = readAccount(v.hotkey, `${path}.hotkey`);
  return {
    hotkey,
    coldkey: v.coldkey === undefined ? hotkey : readAccount(v.coldkey, `${path}.coldkey`),
    stake: opt(v, 'stake', path, 0n, u64),
    permit: opt(v, 'permit', path, false, readBool),
    axon: v.axon === undefined ? null : readAxon(v.axon, `${path}.axon`),
  };
}

/**
 * Reads one subnet: its parameters key by key, then its neurons.
 * @param path where it sits, e.g. `subnets[1]`; `''` for an admin call's parameters
 * @param netuid the netuid to use when the object gives none (admin calls), or undefined when it is required
 */
export function readSubnet(v: unknown, path: string, netuid?: number): SubnetParams {
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  if (!isObj(v)) throw new InvalidInputError(path, `expected a subnet object with a "netuid", got ${describeValue(v)}`);
  checkKeys(v, SUBNET_KEYS, path === '' ? 'params' : path, 'a subnet', NOT_CONFIG);
  const o = v;
  const p = path === '' ? 'params' : path;
  const d = SUBNET_DEFAULTS;
  let id = netuid;
  if (o.netuid !== undefined || id === undefined) {
    if (o.netuid === undefined) throw new InvalidInputError(at('netuid'), 'is required');
    // netuid 0 is the root network, where nobody sets weights (CanNotSetRootNetworkWeights).
    id = readInt(o.netuid, at('netuid'), 1, 65535);
  }
  const neuronsRaw = o.neurons ?? [];
  if (!Array.isArray(neuronsRaw)) throw new InvalidInputError(at('neurons'), `expected an array of neurons, got ${describeValue(neuronsRaw)}`);
  const neurons = neuronsRaw.map((n, i) => readNeuron(n, `${at('neurons')}[${i}]`));
  const tempo = opt(o, 'tempo', p, d.tempo, u16);
  const factor = opt(o, 'activityCutoffFactorMilli', p, d.activityCutoffFactorMilli, (x, q) => readInt(x, q, 0, 0xffff_ffff));
  let activityCutoff: number;
  if (o.activityCutoff !== undefined) activityCutoff = u16(o.activityCutoff, at('activityCutoff'));
  else {
    activityCutoff = Math.max(Math.floor((factor * tempo) / 1000), 1);
    if (activityCutoff > 65535) {
      throw new InvalidInputError(at('activityCutoffFactorMilli'), `gives a cutoff of ${activityCutoff} blocks at tempo ${tempo}, above what ActivityCutoff (u16) can store; give activityCutoff in blocks instead`);
    }
  }
  const maxAllowedUids = opt(o, 'maxAllowedUids', p, d.maxAllowedUids, (x, q) => readInt(x, q, 1, 65535));
  if (neurons.length > maxAllowedUids) {
    throw new InvalidInputError(at('neurons'), `has ${neurons.length} neurons, more than maxAllowedUids = ${maxAllowedUids}; raise maxAllowedUids`);
  }
  const seen = new Map<string, number>();
  neurons.forEach((n, i) => {
    const first = seen.get(n.hotkey.publicKey);
    if (first !== undefined) {
      throw new InvalidInputError(`${at('neurons')}[${i}].hotkey`, `${n.hotkey.address} is already uid ${first} of this subnet (the chain refuses it: HotKeyAlreadyRegisteredInSubNet)`);
    }
    seen.set(n.hotkey.publicKey, i);
  });
  const ownerRaw = o.ownerUid;
  const ownerUid = ownerRaw === undefined || ownerRaw === null ? null : readInt(ownerRaw, at('ownerUid'), 0, Math.max(neurons.length - 1, 0));
  if (ownerUid !== null && neurons.length === 0) throw new InvalidInputError(at('ownerUid'), 'names a uid, but the subnet has no neurons');
  return {
    netuid: id,
    tempo,
    kappa: opt(o, 'kappa', p, d.kappa, u16),
    maxAllowedValidators: opt(o, 'maxAllowedValidators', p, d.maxAllowedValidators, u16),
    maxAllowedUids,
    minAllowedWeights: opt(o, 'minAllowedWeights', p, d.minAllowedWeights, u16),
    maxWeightsLimit: opt(o, 'maxWeightsLimit', p, d.maxWeightsLimit, u16),
    weightsSetRateLimit: opt(o, 'weightsSetRateLimit', p, d.weightsSetRateLimit, u64),
    weightsVersionKey: opt(o, 'weightsVersionKey', p, d.weightsVersionKey, u64),
    commitRevealEnabled: opt(o, 'commitRevealEnabled', p, d.commitRevealEnabled, readBool),
    // HEAD bounds it to 1..=100 (yuma-epoch-spec §6); 0 would make a reveal due in its own commit epoch.
    revealPeriodEpochs: opt(o, 'revealPeriodEpochs', p, d.revealPeriodEpochs, (x, q) => BigInt(readInt(x, q, 1, 100))),
    bondsMovingAverage: opt(o, 'bondsMovingAverage', p, d.bondsMovingAverage, (x, q) => readInt(x, q, 0, 1_000_000)),
    bondsPenalty: opt(o, 'bondsPenalty', p, d.bondsPenalty, u16),
    liquidAlpha: opt(o, 'liquidAlpha', p, d.liquidAlpha, readBool),
    alphaLow: opt(o, 'alphaLow', p, d.alphaLow, u16),
    alphaHigh: opt(o, 'alphaHigh', p, d.alphaHigh, u16),
    activityCutoff,
    stakeThreshold: o.stakeThreshold === undefined ? null : u64(o.stakeThreshold, at('stakeThreshold')),
    ownerUid,
    yuma3: opt(o, 'yuma3', p, d.yuma3, readBool),
    alphaSigmoidSteepness: opt(o, 'alphaSigmoidSteepness', p, d.alphaSigmoidSteepness, (x, q) => readInt(x, q, -32768, 32767)),
    activityCutoffFactorMilli: factor,
    raoEmission: opt(o, 'raoEmission', p, d.raoEmission, (x, q) => readU64(x, q).toString()),
    neurons,
  };
}

/** Checks that a hotkey has one owner across the config: Owner[hotkey] is global on chain. */
function checkOwners(subnets: SubnetParams[]): void {
  const owners = new Map<string, string>();
  subnets.forEach((s, i) => s.neurons.forEach((n, j) => {
    const owner = owners.get(n.hotkey.publicKey);
    if (owner !== undefined && owner !== n.coldkey.publicKey) {
      throw new InvalidInputError(`subnets[${i}].neurons[${j}].coldkey`, `hotkey ${n.hotkey.address} is owned by another coldkey elsewhere in the config; a hotkey has one owner (Owner[hotkey])`);
    }
    owners.set(n.hotkey.publicKey, n.coldkey.publicKey);
  }));
}

/** Validates the devnet config file (contracts/devnet.md) and applies the defaults. */
export function validateSubtensorConfig(raw: unknown): SubtensorConfig {
  if (!isObj(raw)) throw new InvalidInputError('', `expected a config object { "subnets": [...] }, got ${describeValue(raw)}`);
  for (const key of Object.keys(raw)) {
    if (key !== 'subnets') throw new InvalidInputError(key, 'is not a config field (expected subnets)');
  }
  const list = raw.subnets ?? [];
  if (!Array.isArray(list)) throw new InvalidInputError('subnets', `expected an array of subnets, got ${describeValue(list)}`);
  const subnets = list.map((s, i) => readSubnet(s, `subnets[${i}]`));
  const netuids = new Map<number, number>();
  let threshold: { value: bigint; at: number } | null = null;
  subnets.forEach((s, i) => {
    const first = netuids.get(s.netuid);
    if (first !== undefined) throw new InvalidInputError(`subnets[${i}].netuid`, `netuid ${s.netuid} is already subnets[${first}]`);
    netuids.set(s.netuid, i);
    if (s.stakeThreshold !== null) {
      if (threshold !== null && threshold.value !== s.stakeThreshold) {
        throw new InvalidInputError(`subnets[${i}].stakeThreshold`, `StakeThreshold is global on chain; subnets[${threshold.at}] gives ${threshold.value}, this subnet ${s.stakeThreshold}`);
      }
      threshold = { value: s.stakeThreshold, at: i };
    }
  });
  checkOwners(subnets);
  return { subnets };
}
