import { blake2AsHex } from '@polkadot/util-crypto';
import type { Hex } from '../storage-codec.js';
import { loadRuntime } from '../runtime.js';
import { emit, fail } from './call-env.js';
import type { CallEnv } from './call-env.js';
import type { SubtensorStore } from './store.js';
import { checkRateLimit, doSetWeights, runBatch, setLastUpdate } from './weights.js';

/*
 * Commit-reveal v2 as the served runtime (spec 233, subnets/weights.rs) runs it, with the timing of
 * contracts/devnet.md: epochs are counted as `(block + netuid + 1) / (tempo + 1)`; a commit of epoch e is revealed in
 * epoch e + RevealPeriodEpochs exactly (earlier: RevealTooEarly; later the commit has expired: ExpiredWeightCommit);
 * at most 10 unrevealed commits per hotkey; the commit sets LastUpdate, the reveal does not. WeightCommits holds,
 * per (netuid, hotkey), a queue of (hash, commit_block, first_reveal_block, last_reveal_block), as spec 233 types it.
 */

/** A stored commit. */
export interface WeightCommit {
  hash: Hex;
  commitBlock: bigint;
  firstRevealBlock: bigint;
  lastRevealBlock: bigint;
}

/** The most unrevealed commits a hotkey may hold on a subnet. */
export const MAX_UNREVEALED_COMMITS = 10;

/**
 * The devnet's own commit hash, kept apart from the client's src/chain/weights/commit-hash.ts ON PURPOSE: the devnet
 * plays the chain that the client is tested against, so it builds the preimage its own way (the registry's SCALE
 * encoding, not hand-written bytes), and test/chain/weights/pipeline.test.ts compares the two.
 * The commit hash the chain compares a reveal with: `BlakeTwo256::hash_of(&(who, netuid, uids, values, salt,
 * version_key))`, i.e. blake2-256 of the SCALE tuple (AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64).
 */
export function commitHash(who: Hex, netuid: number, uids: readonly number[], values: readonly number[], salt: readonly number[], versionKey: bigint): Hex {
  const preimage = loadRuntime().registry.createType('(AccountId32, u16, Vec<u16>, Vec<u16>, Vec<u16>, u64)', [who, netuid, uids, values, salt, versionKey]);
  return blake2AsHex(preimage.toU8a(), 256) as Hex;
}

/**
 * `get_epoch_index`: the commit-reveal epoch of a block. The devnet's own copy (in bigint, reading Tempo from its
 * store), kept apart from src/timelock/epoch-index.ts ON PURPOSE: the devnet plays the chain and must stay independent
 * of the client under test, so a wrong client formula shows as a failed reveal instead of agreeing with itself.
 */
export function epochIndex(store: SubtensorStore, netuid: number, block: bigint | number): bigint {
  return (BigInt(block) + BigInt(netuid) + 1n) / (BigInt(store.num('tempo', netuid)) + 1n);
}

function revealPeriod(store: SubtensorStore, netuid: number): bigint {
  return store.big('revealPeriodEpochs', netuid);
}

/** `is_commit_expired`: the current epoch is past the commit's reveal epoch. */
function isExpired(env: CallEnv, netuid: number, commitBlock: bigint): boolean {
  return epochIndex(env.store, netuid, env.block) > epochIndex(env.store, netuid, commitBlock) + revealPeriod(env.store, netuid);
}

/** `is_reveal_block_range`: the current epoch is the commit's reveal epoch. */
function inRevealEpoch(env: CallEnv, netuid: number, commitBlock: bigint): boolean {
  return epochIndex(env.store, netuid, env.block) === epochIndex(env.store, netuid, commitBlock) + revealPeriod(env.store, netuid);
}

/** The commits of a hotkey on a subnet, oldest first. */
export function readCommits(store: SubtensorStore, netuid: number, hotkey: Hex): WeightCommit[] {
  return (store.get('weightCommits', netuid, hotkey).toJSON() as Array<[string, number | string, number | string, number | string]>).map(
    ([hash, commitBlock, first, last]) => ({ hash: hash.toLowerCase() as Hex, commitBlock: BigInt(commitBlock), firstRevealBlock: BigInt(first), lastRevealBlock: BigInt(last) }),
  );
}

function writeCommits(store: SubtensorStore, netuid: number, hotkey: Hex, commits: WeightCommit[] | null): void {
  if (commits === null) store.remove('weightCommits', netuid, hotkey);
  else store.set('weightCommits', netuid, hotkey, commits.map((c) => [c.hash, c.commitBlock, c.firstRevealBlock, c.lastRevealBlock]));
}

/** Pops the expired commits off the front of the queue and returns their hashes. */
function dropExpired(env: CallEnv, netuid: number, commits: WeightCommit[]): Hex[] {
  const expired: Hex[] = [];
  while (commits.length > 0 && isExpired(env, netuid, (commits[0] as WeightCommit).commitBlock)) expired.push((commits.shift() as WeightCommit).hash);
  return expired;
}

/** `do_commit_weights` (steps 2–12). */
export function commitWeights(env: CallEnv, netuid: number, hash: Hex): void {
  const s = env.store;
  // 2.
  if (!s.bool('commitRevealWeightsEnabled', netuid)) fail('CommitRevealDisabled');
  // 3.
  if (!s.contains('uids', netuid, env.who)) fail('HotKeyNotRegisteredInSubNet');
  // 4.
  const uid = s.num('uids', netuid, env.who);
  if (!checkRateLimit(s, netuid, uid, env.block)) fail('CommittingWeightsTooFast');
  // 5. get_reveal_blocks: the reveal epoch's first block and the tempo blocks after it.
  const tempo = BigInt(s.num('tempo', netuid));
  const revealEpoch = epochIndex(s, netuid, env.block) + revealPeriod(s, netuid);
  const product = revealEpoch * (tempo + 1n);
  const firstRevealBlock = product > BigInt(netuid) + 1n ? product - BigInt(netuid) - 1n : 0n;
  // 6.–8.
  const commits = readCommits(s, netuid, env.who);
  dropExpired(env, netuid, commits);
  if (commits.length >= MAX_UNREVEALED_COMMITS) fail('TooManyUnrevealedCommits');
  // 9.–12.
  commits.push({ hash, commitBlock: BigInt(env.block), firstRevealBlock, lastRevealBlock: firstRevealBlock + tempo });
  writeCommits(s, netuid, env.who, commits);
  emit(env, 'WeightsCommitted', [env.who, netuid, hash]);
  setLastUpdate(s, netuid, uid, env.block);
}

/** `do_reveal_weights` (steps 2–14). */
export function revealWeights(env: CallEnv, netuid: number, uids: number[], values: number[], salt: number[], versionKey: bigint): void {
  const s = env.store;
  // 2.
  if (!s.bool('commitRevealWeightsEnabled', netuid)) fail('CommitRevealDisabled');
  // 3.
  if (!s.contains('weightCommits', netuid, env.who)) fail('NoWeightsCommitFound');
  const commits = readCommits(s, netuid, env.who);
  // 4.–6.
  const expired = dropExpired(env, netuid, commits);
  const hash = commitHash(env.who, netuid, uids, values, salt, versionKey);
  if (commits.length === 0) fail(expired.includes(hash) ? 'ExpiredWeightCommit' : 'NoWeightsCommitFound');
  // 7.–9.
  const position = commits.findIndex((c) => c.hash === hash);
  if (position < 0) fail(expired.includes(hash) ? 'ExpiredWeightCommit' : 'InvalidRevealCommitHashNotMatch');
  if (!inRevealEpoch(env, netuid, (commits[position] as WeightCommit).commitBlock)) fail('RevealTooEarly');
  // 10.–11. Every commit up to the revealed one is dropped.
  commits.splice(0, position + 1);
  writeCommits(s, netuid, env.who, commits.length === 0 ? null : commits);
  // 12.–13.
  doSetWeights(env, netuid, uids, values, versionKey);
  emit(env, 'WeightsRevealed', [env.who, netuid, hash]);
}

/** `do_batch_reveal_weights`: every reveal is checked before any is applied. */
export function batchRevealWeights(env: CallEnv, netuid: number, uidsList: number[][], valuesList: number[][], saltsList: number[][], versionKeys: bigint[]): void {
  const s = env.store;
  // 1. Before the signature check on chain, so before anything else.
  const count = uidsList.length;
  if (count !== valuesList.length || count !== saltsList.length || count !== versionKeys.length) fail('InputLengthsUnequal');
  // 3.
  if (!s.bool('commitRevealWeightsEnabled', netuid)) fail('CommitRevealDisabled');
  // 4.
  if (!s.contains('weightCommits', netuid, env.who)) fail('NoWeightsCommitFound');
  const commits = readCommits(s, netuid, env.who);
  // 5.
  const expired = dropExpired(env, netuid, commits);
  // 6.
  const reveals = uidsList.map((uids, i) => {
    const values = valuesList[i] ?? [];
    const versionKey = versionKeys[i] ?? 0n;
    return { uids, values, versionKey, hash: commitHash(env.who, netuid, uids, values, saltsList[i] ?? [], versionKey) };
  });
  // 7.
  for (const r of reveals) {
    const commit = commits.find((c) => c.hash === r.hash);
    if (commit === undefined) fail(expired.includes(r.hash) ? 'ExpiredWeightCommit' : 'InvalidRevealCommitHashNotMatch');
    if (!inRevealEpoch(env, netuid, commit.commitBlock)) fail('RevealTooEarly');
  }
  // 8. Only the revealed commits leave the queue (not those before them, unlike a single reveal).
  const revealed: Hex[] = [];
  for (const r of reveals) {
    const position = commits.findIndex((c) => c.hash === r.hash);
    if (position < 0) fail(expired.includes(r.hash) ? 'ExpiredWeightCommit' : 'InvalidRevealCommitHashNotMatch');
    commits.splice(position, 1);
    doSetWeights(env, netuid, r.uids, r.values, r.versionKey);
    revealed.push(r.hash);
  }
  // 9.–10.
  writeCommits(s, netuid, env.who, commits.length === 0 ? null : commits);
  emit(env, 'WeightsBatchRevealed', [env.who, netuid, revealed]);
}

/** `do_batch_commit_weights`: one commit per netuid, continuing on errors. */
export function batchCommitWeights(env: CallEnv, netuids: number[], hashes: Hex[]): void {
  if (netuids.length !== hashes.length) fail('InputLengthsUnequal');
  runBatch(env, netuids.map((netuid, i) => () => commitWeights(env, netuid, hashes[i] as Hex)), netuids);
}
