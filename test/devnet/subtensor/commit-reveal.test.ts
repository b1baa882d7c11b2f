import { describe, expect, it } from 'vitest';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { commitHash, readCommits } from '../../../src/devnet/subtensor/index.js';
import { account, testNet } from './harness.js';
import type { TestNet } from './harness.js';

// Commit-reveal v2 on the devnet (contracts/devnet.md): with tempo 10 on netuid 1 the commit epoch of block b is
// (b + 2) / 11, so epoch 0 is blocks 0–8, epoch 1 blocks 9–19, epoch 2 blocks 20–30.

const ALICE = '//Alice';
const alice = account(ALICE).publicKey;
const config = {
  subnets: [
    {
      netuid: 1, tempo: 10, commitRevealEnabled: true, weightsSetRateLimit: 0, weightsVersionKey: 2,
      neurons: [{ hotkey: ALICE, stake: '1000000000', permit: true }, { hotkey: '//Bob', stake: '1000' }, { hotkey: '//Charlie', stake: 10 }],
    },
    { netuid: 2, tempo: 10, commitRevealEnabled: true, weightsSetRateLimit: 5, neurons: [{ hotkey: ALICE, stake: 1000, permit: true }] },
    { netuid: 3, tempo: 10, neurons: [{ hotkey: ALICE, stake: 1000, permit: true }] },
  ],
};

interface Reveal { uids: number[]; values: number[]; salt: number[]; versionKey: number }
const reveal = (values: number[], salt = [1, 2, 3], versionKey = 2): Reveal => ({ uids: [1, 2], values, salt, versionKey });
const hashOf = (r: Reveal, netuid = 1): Hex => commitHash(alice, netuid, r.uids, r.values, r.salt, BigInt(r.versionKey));

function commit(net: TestNet, block: number, r: Reveal, netuid = 1): string {
  return net.callAt(block, ALICE, 'subtensorModule.commitWeights', { netuid, commitHash: hashOf(r, netuid) });
}
function revealAt(net: TestNet, block: number, r: Reveal, netuid = 1): string {
  return net.callAt(block, ALICE, 'subtensorModule.revealWeights', { netuid, ...r });
}

describe('the commit hash', () => {
  it('reproduces the vector of validator-sdk-spec §3.3', () => {
    const pubkey = `0x${Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join('')}` as Hex;
    expect(commitHash(pubkey, 1, [0, 1, 2], [65535, 32768, 1], [1, 2, 3, 4, 5, 6, 7, 8], 10002000n))
      .toBe('0x50c6b87e13bcacc7fd4171a966f79e72ab7c0a7780738c0e1ce241301a4cd29a');
  });
});

describe('commit then reveal', () => {
  it('stores the commit with its reveal window, sets LastUpdate at the commit, and reveals in the next epoch', () => {
    const net = testNet(config);
    const r = reveal([10, 30]);
    expect(commit(net, 3, r)).toBe('ok');
    expect(readCommits(net.store(), 1, alice)).toEqual([{ hash: hashOf(r), commitBlock: 3n, firstRevealBlock: 9n, lastRevealBlock: 19n }]);
    expect(net.store().nums('lastUpdate', 1)[0]).toBe(3);
    expect(net.events.get(3)).toEqual([{ pallet: 'subtensorModule', method: 'WeightsCommitted', data: [alice, 1, hashOf(r)] }]);
    expect(revealAt(net, 12, r)).toBe('ok');
    expect(net.store().pairs('weights', 1, 0)).toEqual([[1, 21845], [2, 65535]]);
    // LastUpdate stays at the commit; the queue is gone.
    expect(net.store().nums('lastUpdate', 1)[0]).toBe(3);
    expect(net.store().contains('weightCommits', 1, alice)).toBe(false);
    expect(net.events.get(12)?.map((e) => e.method)).toEqual(['WeightsSet', 'WeightsRevealed']);
  });

  it('refuses a reveal in the commit epoch (RevealTooEarly) and keeps the commit for its epoch', () => {
    const net = testNet(config);
    const r = reveal([1, 1]);
    expect(commit(net, 3, r)).toBe('ok');
    expect(revealAt(net, 8, r)).toBe('RevealTooEarly');
    expect(revealAt(net, 9, r)).toBe('ok');
  });

  it('refuses a reveal after the reveal epoch (ExpiredWeightCommit), also with newer commits queued', () => {
    const net = testNet(config);
    const [old, fresh, late] = [reveal([1, 2]), reveal([2, 1]), reveal([3, 1])];
    expect(commit(net, 3, old)).toBe('ok');
    expect(commit(net, 12, fresh)).toBe('ok');
    expect(revealAt(net, 20, old)).toBe('ExpiredWeightCommit');
    expect(revealAt(net, 21, fresh)).toBe('ok');
    // Once a successful call has dropped an expired commit, revealing it matches nothing, as on chain.
    expect(commit(net, 22, late)).toBe('ok');
    expect(revealAt(net, 31, old)).toBe('InvalidRevealCommitHashNotMatch');
  });

  it('names a reveal without commit, with the wrong salt, or on a subnet without commit-reveal', () => {
    const net = testNet(config);
    expect(revealAt(net, 2, reveal([1, 1]))).toBe('NoWeightsCommitFound');
    expect(commit(net, 3, reveal([1, 1]))).toBe('ok');
    expect(revealAt(net, 12, reveal([1, 1], [9, 9]))).toBe('InvalidRevealCommitHashNotMatch');
    expect(revealAt(net, 13, reveal([1, 1]), 3)).toBe('CommitRevealDisabled');
    expect(commit(net, 14, reveal([1, 1]), 3)).toBe('CommitRevealDisabled');
    expect(net.callAt(15, '//Eve', 'subtensorModule.commitWeights', { netuid: 1, commitHash: hashOf(reveal([1, 1])) })).toBe('HotKeyNotRegisteredInSubNet');
  });

  it('runs the set_weights checks on reveal and undoes the reveal when one fails', () => {
    const net = testNet(config);
    const bad: Reveal = { uids: [1, 1], values: [1, 1], salt: [5], versionKey: 2 };
    expect(commit(net, 3, bad)).toBe('ok');
    expect(revealAt(net, 12, bad)).toBe('DuplicateUids');
    expect(readCommits(net.store(), 1, alice)).toHaveLength(1);
    const oldKey = reveal([1, 1], [6], 1);
    expect(commit(net, 13, oldKey)).toBe('ok');
    expect(revealAt(net, 20, oldKey)).toBe('IncorrectWeightVersionKey');
  });

  it('drops every commit up to the revealed one', () => {
    const net = testNet(config);
    const [a, b] = [reveal([1, 0], [1]), reveal([0, 1], [2])];
    expect(commit(net, 3, a)).toBe('ok');
    expect(commit(net, 4, b)).toBe('ok');
    expect(revealAt(net, 12, b)).toBe('ok');
    expect(net.store().contains('weightCommits', 1, alice)).toBe(false);
    expect(revealAt(net, 13, a)).toBe('NoWeightsCommitFound');
  });
});

describe('the commit limits', () => {
  it('refuses an 11th unrevealed commit (TooManyUnrevealedCommits) until old ones expire', () => {
    const net = testNet(config);
    for (let i = 0; i < 10; i++) expect(commit(net, 1 + i, reveal([1, i + 1]))).toBe('ok');
    expect(commit(net, 11, reveal([1, 99]))).toBe('TooManyUnrevealedCommits');
    expect(readCommits(net.store(), 1, alice)).toHaveLength(10);
    // In epoch 2 the commits of blocks 1–8 (epoch 0) have expired and are dropped before counting.
    expect(commit(net, 20, reveal([1, 99]))).toBe('ok');
    expect(readCommits(net.store(), 1, alice).map((c) => c.commitBlock)).toEqual([9n, 10n, 20n]);
  });

  it('rate-limits commits by WeightsSetRateLimit (CommittingWeightsTooFast)', () => {
    const net = testNet(config);
    expect(commit(net, 3, reveal([1, 1]), 2)).toBe('ok');
    expect(commit(net, 7, reveal([1, 2]), 2)).toBe('CommittingWeightsTooFast');
    expect(commit(net, 8, reveal([1, 2]), 2)).toBe('ok');
  });
});

describe('batch commit and reveal', () => {
  it('reveals several commits at once, each through set_weights, then WeightsBatchRevealed', () => {
    const net = testNet(config);
    const [a, b] = [reveal([1, 0], [1]), reveal([0, 1], [2])];
    expect(net.callAt(3, ALICE, 'subtensorModule.batchCommitWeights', { netuids: [1, 1, 3], commitHashes: [hashOf(a), hashOf(b), hashOf(a)] })).toBe('ok');
    expect(net.events.get(3)?.map((e) => e.method)).toEqual(['WeightsCommitted', 'WeightsCommitted', 'BatchCompletedWithErrors', 'BatchWeightItemFailed', 'BatchWeightsCompleted']);
    const args = { netuid: 1, uidsList: [a.uids, b.uids], valuesList: [a.values, b.values], saltsList: [a.salt, b.salt], versionKeys: [2, 2] };
    expect(net.callAt(5, ALICE, 'subtensorModule.batchRevealWeights', args)).toBe('RevealTooEarly');
    expect(net.callAt(12, ALICE, 'subtensorModule.batchRevealWeights', args)).toBe('ok');
    expect(net.events.get(12)).toEqual([
      { pallet: 'subtensorModule', method: 'WeightsSet', data: [1, 0] },
      { pallet: 'subtensorModule', method: 'WeightsSet', data: [1, 0] },
      { pallet: 'subtensorModule', method: 'WeightsBatchRevealed', data: [alice, 1, [hashOf(a), hashOf(b)]] },
    ]);
    expect(net.store().pairs('weights', 1, 0)).toEqual([[1, 0], [2, 65535]]);
    expect(net.store().contains('weightCommits', 1, alice)).toBe(false);
  });

  it('refuses lists of unequal lengths first', () => {
    const net = testNet(config);
    expect(net.call('//Eve', 'subtensorModule.batchRevealWeights', { netuid: 3, uidsList: [[1]], valuesList: [], saltsList: [[1]], versionKeys: [1] })).toBe('InputLengthsUnequal');
  });
});
