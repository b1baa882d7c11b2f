import { sha256 } from '@noble/hashes/sha2.js';
import { blake2AsHex, decodeAddress } from '@polkadot/util-crypto';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { InvalidInputError } from '../../errors/index.js';
import type { BlockContext } from '../chain.js';
import type { EventSpec } from '../dispatch.js';
import type { StorageCodec } from '../storage-codec.js';
import type { Hex } from '../storage-codec.js';
import { emit, fail } from './call-env.js';
import type { CallEnv } from './call-env.js';
import { epochIndex } from './commit-reveal.js';
import { configOnlySubnets } from './config-only.js';
import type { Pulse } from './drand-beacon.js';
import { SubtensorStore } from './store.js';
import { revealTimelockedCommits, type TimelockedCommit } from './timelock-reveal.js';
import { checkRateLimit, doSetWeights, setLastUpdate } from './weights.js';

/*
 * Timelocked weight commits on the runtimes that have them (specs 343 and 424): `commit_timelocked_weights` as
 * subnets/weights.rs `internal_commit_timelocked_weights` checks and stores it, and the per-block reveal of
 * reveal_commits.rs, with the pulses read from pallet Drand's storage (written by the devnet_storePulse admin method,
 * e.g. a real quicknet pulse). Epochs follow devnet's block formula (commit-reveal.ts), which is spec 343's; on spec
 * 424 the chain schedules epochs from storage, which devnet does not emulate yet (docs/timelock.md).
 */

/** At most this many unrevealed timelocked commits per hotkey and epoch. */
const MAX_UNREVEALED = 10;

type Stored = [Hex, bigint, Hex, bigint];

function readEpochCommits(store: SubtensorStore, netuid: number, epoch: bigint): Stored[] {
  return (store.get('timelockedWeightCommits', netuid, epoch).toJSON() as Array<[string, number | string, string, number | string]>).map(
    ([who, block, commit, round]) => [u8aToHex(decodeAddress(who)) as Hex, BigInt(block), commit as Hex, BigInt(round)],
  );
}

/** `commit_timelocked_weights(netuid, commit, reveal_round, commit_reveal_version)` (mechanism 0). */
export function commitTimelockedWeights(env: CallEnv, netuid: number, commit: Hex, revealRound: bigint, version: number): void {
  const s = env.store;
  if (!s.bool('networksAdded', netuid)) fail('MechanismDoesNotExist');
  if (!s.bool('commitRevealWeightsEnabled', netuid)) fail('CommitRevealDisabled');
  if (version !== s.num('commitRevealWeightsVersion')) fail('IncorrectCommitRevealVersion');
  if (!s.contains('uids', netuid, env.who)) fail('HotKeyNotRegisteredInSubNet');
  const uid = s.num('uids', netuid, env.who);
  if (!checkRateLimit(s, netuid, uid, env.block)) fail('CommittingWeightsTooFast');
  const epoch = epochIndex(s, netuid, env.block);
  const commits = readEpochCommits(s, netuid, epoch);
  if (commits.filter(([who]) => who === env.who).length >= MAX_UNREVEALED) fail('TooManyUnrevealedCommits');
  commits.push([env.who, BigInt(env.block), commit, revealRound]);
  s.set('timelockedWeightCommits', netuid, epoch, commits);
  emit(env, 'TimelockedWeightsCommitted', [env.who, netuid, blake2AsHex(hexToU8a(commit), 256), revealRound]);
  setLastUpdate(s, netuid, uid, env.block);
}

function pulseOf(store: SubtensorStore, round: bigint): Pulse | undefined {
  const raw = store.state.get(store.codec.key('drand', 'pulses', round), store.at);
  if (raw === null) return undefined;
  const p = store.codec.decode('drand', 'pulses', raw).toJSON() as { round: number | string; randomness: string; signature: string };
  return { round: BigInt(p.round), randomness: hexToU8a(p.randomness), signature: hexToU8a(p.signature) };
}

/**
 * The block's reveal for every subnet (reveal_crv3_commits): commits of the reveal epoch are revealed, kept (no pulse
 * yet) or dropped silently (the reason goes to `log`); entries of older epochs are removed.
 */
export function revealTimelockedWeights(store: SubtensorStore, block: number, deposit: (e: EventSpec) => void, log: (m: string) => void = () => {}): void {
  if (!store.hasItem('timelockedWeightCommits') || !store.codec.has('drand', 'pulses')) return;
  for (const [netuid] of configOnlySubnets(store)) {
    if (!store.bool('networksAdded', netuid)) continue;
    const period = store.big('revealPeriodEpochs', netuid);
    const cur = epochIndex(store, netuid, block);
    if (cur < period) continue;
    const revealEpoch = cur - period;
    if (revealEpoch > 0n && store.contains('timelockedWeightCommits', netuid, revealEpoch - 1n)) store.remove('timelockedWeightCommits', netuid, revealEpoch - 1n);
    const stored = readEpochCommits(store, netuid, revealEpoch);
    if (stored.length === 0) continue;
    const commits: TimelockedCommit[] = stored.map(([who, commitBlock, ct, round]) => ({ who: hexToU8a(who), commitBlock, ciphertext: hexToU8a(ct), round }));
    const kept: Stored[] = [];
    revealTimelockedCommits(commits, (r) => pulseOf(store, r)).forEach((o, i) => {
      const who = (stored[i] as Stored)[0];
      if (o.kind === 'kept') kept.push(stored[i] as Stored);
      else if (o.kind === 'dropped') log(`devnet: timelocked commit of ${who} on subnet ${netuid} dropped: ${o.reason}`);
      else {
        const env: CallEnv = { store, block, who, deposit };
        try {
          doSetWeights(env, netuid, [...o.uids], [...o.values], o.versionKey);
          emit(env, 'TimelockedWeightsRevealed', [netuid, who]);
        } catch (err) {
          log(`devnet: timelocked commit of ${who} on subnet ${netuid} dropped at set_weights: ${(err as Error).message}`);
        }
      }
    });
    if (kept.length > 0) store.set('timelockedWeightCommits', netuid, revealEpoch, kept);
    else store.remove('timelockedWeightCommits', netuid, revealEpoch);
  }
}

/**
 * The devnet_storePulse admin write: `{ round, signature: 0x-hex (compressed G1), randomness?: 0x-hex }` into
 * Drand.Pulses (and LastStoredRound), so tests can use real quicknet pulses. Randomness defaults to SHA-256 of the
 * signature, as drand's.
 */
export function storePulse(target: BlockContext, codec: StorageCodec, params: unknown): number {
  const p = params as { round?: unknown; signature?: unknown; randomness?: unknown } | undefined;
  if (p === undefined || p === null || typeof p !== 'object') throw new InvalidInputError('params[0]', 'expected { round, signature, randomness? }');
  const round = (typeof p.round === 'number' && Number.isSafeInteger(p.round)) || (typeof p.round === 'string' && /^\d{1,20}$/.test(p.round)) ? BigInt(p.round) : -1n;
  if (round < 1n || round >= 2n ** 64n) throw new InvalidInputError('round', 'expected an integer from 1 to 2^64 - 1');
  if (typeof p.signature !== 'string' || !/^0x[0-9a-fA-F]{96}$/.test(p.signature)) throw new InvalidInputError('signature', 'expected 0x and 96 hex digits (a compressed G1 point)');
  if (p.randomness !== undefined && (typeof p.randomness !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(p.randomness))) throw new InvalidInputError('randomness', 'expected 0x and 64 hex digits');
  const signature = hexToU8a(p.signature);
  const randomness = typeof p.randomness === 'string' ? hexToU8a(p.randomness) : sha256(signature);
  writePulse(target, codec, { round, randomness, signature });
  return Number(round);
}

/** Writes a pulse into the block being built (Bytes as hex: a Uint8Array would be read as already SCALE-encoded). */
export function writePulse(block: BlockContext, codec: StorageCodec, pulse: Pulse): void {
  if (!codec.has('drand', 'pulses')) throw new InvalidInputError('round', 'the served runtime has no Drand pallet (serve spec 343 or 424)');
  block.state.set(codec.key('drand', 'pulses', pulse.round), codec.encode('drand', 'pulses', { round: pulse.round, randomness: u8aToHex(pulse.randomness), signature: u8aToHex(pulse.signature) }));
  const lastKey = codec.key('drand', 'lastStoredRound');
  const last = codec.decode('drand', 'lastStoredRound', block.state.get(lastKey)).toString();
  if (pulse.round > BigInt(last)) block.state.set(lastKey, codec.encode('drand', 'lastStoredRound', pulse.round));
}
