import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCommitWeights, checkRevealWeights, checkSetWeights, PrevalidationError, readWeightsChainState, weightsCommitHash, type Verdict,
} from '../../../src/chain/weights/index.js';
import { startHarness, type Harness } from './helpers.js';

/*
 * Done means 1: every pre-validation error is caught locally with the chain's name, and the same weights sent
 * unvalidated to devnet fail with the same module error.
 */

const SN = 1, CR = 2, ML = 3, CR0 = 4;
const config = {
  subnets: [
    {
      netuid: SN, tempo: 360, weightsSetRateLimit: 3, minAllowedWeights: 2, weightsVersionKey: 5,
      neurons: [
        { hotkey: '//Alice', stake: '1000000000000', permit: true }, { hotkey: '//Bob', stake: '1000', permit: false },
        { hotkey: '//Charlie', stake: 0 }, { hotkey: '//Dave', stake: '500000000000', permit: true },
      ],
    },
    { netuid: CR, tempo: 10, commitRevealEnabled: true, weightsSetRateLimit: 2, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob', stake: 0 }] },
    { netuid: ML, maxWeightsLimit: 40000, minAllowedWeights: 1, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }, { hotkey: '//Charlie' }] },
    { netuid: CR0, tempo: 100, commitRevealEnabled: true, weightsSetRateLimit: 0, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }] },
  ],
};

let h: Harness;
let eve: KeyringPair;
beforeAll(async () => {
  h = await startHarness(config);
  eve = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Eve');
}, 30_000);
afterAll(async () => {
  await h?.close();
});

type Tx = Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>;
const tx = (method: string, ...args: unknown[]): SubmittableExtrinsic<'promise'> => (h.conn.api.tx as unknown as Record<string, Tx>)['subtensorModule']![method]!(...args);

/** Sends without any local check; resolves with the module error's name (null on success). */
function sendRaw(x: SubmittableExtrinsic<'promise'>, signer: KeyringPair): Promise<string | null> {
  return new Promise((resolve, reject) => {
    x.signAndSend(signer, (r) => {
      if (!r.status.isInBlock && !r.status.isFinalized) return;
      const e = r.dispatchError;
      resolve(e === undefined ? null : e.isModule ? h.conn.api.registry.findMetaError(e.asModule).name : e.type);
    }).catch(reject);
  });
}

const refusal = (v: Verdict): string | null => (v.ok ? null : v.chainError);

/** Checks locally, then sends the same set_weights unvalidated; both must agree. */
async function setParity(who: KeyringPair, netuid: number, uids: number[], values: number[], versionKey: bigint, expected: string | null): Promise<void> {
  const state = await readWeightsChainState(h.conn, netuid, who.address);
  expect(refusal(checkSetWeights(state, { netuid, uids, values, versionKey })), `local ${expected}`).toBe(expected);
  expect(await sendRaw(tx('setWeights', netuid, uids, values, versionKey), who), `chain ${expected}`).toBe(expected);
}

describe('pre-validation parity with the chain', () => {
  it('set_weights: every check, in the chain\'s order, with the chain\'s names', async () => {
    const { alice, bob, dave } = h.keys;
    await setParity(alice, SN, [0, 3], [100, 50], 5n, null);
    // One block later; the limit is 3 blocks. (Every extrinsic, failed or not, makes a block here.)
    await setParity(alice, SN, [0, 1], [1, 1], 5n, 'SettingWeightsTooFast');
    await setParity(alice, CR, [0], [1], 0n, 'CommitRevealEnabled');
    await setParity(alice, 0, [0], [1], 0n, 'CanNotSetRootNetworkWeights');
    await setParity(dave, SN, [0, 1], [1], 5n, 'WeightVecNotEqualSize');
    await setParity(dave, 9, [0], [1], 0n, 'SubNetworkDoesNotExist');
    await setParity(dave, SN, [0, 1, 2, 3, 0], [1, 1, 1, 1, 1], 5n, 'UidsLengthExceedUidsInSubNet');
    await setParity(eve, SN, [0, 1], [1, 1], 5n, 'HotKeyNotRegisteredInSubNet');
    await setParity(dave, SN, [0, 1], [1, 1], 4n, 'IncorrectWeightVersionKey');
    await setParity(bob, SN, [0, 3], [1, 1], 5n, 'NeuronNoValidatorPermit');
    await setParity(dave, SN, [0, 0], [1, 1], 5n, 'DuplicateUids');
    await setParity(dave, SN, [0, 9], [1, 1], 5n, 'UidVecContainInvalidOne');
    await setParity(dave, SN, [0], [1], 5n, 'WeightVecLengthIsLow');
    await setParity(dave, SN, [3], [1], 5n, null); // a self-weight needs neither the length nor a permit
    await setParity(alice, ML, [0, 1, 2], [65535, 100, 100], 0n, 'MaxWeightExceeded');
    await setParity(alice, ML, [0, 1, 2], [30000, 30000, 20000], 0n, null);
  });

  it('the pipeline refuses the same weights with a PrevalidationError naming the chain error', async () => {
    const p = h.pipeline(h.keys.dave);
    const before = await h.head();
    const err = (await p.setWeights({ netuid: SN, uids: [0, 0], values: [1, 1] }).catch((e: unknown) => e)) as PrevalidationError;
    expect(err).toBeInstanceOf(PrevalidationError);
    expect([err.code, err.chainError]).toEqual(['ERR_WEIGHTS_PREVALIDATION', 'DuplicateUids']);
    expect(await h.head()).toBe(before);
  });

  it('commit_weights and reveal_weights: the chain\'s names', async () => {
    const { alice } = h.keys;
    const w = { uids: [0, 1], values: [65535, 10], versionKey: 0n };
    const stateSN = await readWeightsChainState(h.conn, SN, alice.address);
    const hSN = weightsCommitHash(alice.address, SN, w.uids, w.values, [1], 0n);
    expect(refusal(checkCommitWeights(stateSN, { netuid: SN, ...w }))).toBe('CommitRevealDisabled');
    expect(await sendRaw(tx('commitWeights', SN, hSN), alice)).toBe('CommitRevealDisabled');

    const hash = weightsCommitHash(alice.address, CR, w.uids, w.values, [1, 2], 0n);
    // No commit yet.
    let s = await readWeightsChainState(h.conn, CR, alice.address);
    expect(refusal(checkRevealWeights(s, { netuid: CR, ...w }, hash))).toBe('NoWeightsCommitFound');
    expect(await sendRaw(tx('revealWeights', CR, w.uids, w.values, [1, 2], 0n), alice)).toBe('NoWeightsCommitFound');
    expect(refusal(checkCommitWeights(s, { netuid: CR, ...w }))).toBeNull();
    // Commit in the first block of an epoch, so that the next checks stay in the commit's epoch.
    let start = (await h.head()) + 1;
    while ((start + CR + 1) % 11 !== 0) start++;
    await h.advanceTo(start - 1);
    expect(await sendRaw(tx('commitWeights', CR, hash), alice)).toBeNull();
    s = await readWeightsChainState(h.conn, CR, alice.address);
    expect(refusal(checkCommitWeights(s, { netuid: CR, ...w }))).toBe('CommittingWeightsTooFast');
    expect(await sendRaw(tx('commitWeights', CR, hash), alice)).toBe('CommittingWeightsTooFast');
    s = await readWeightsChainState(h.conn, CR, alice.address);
    expect(refusal(checkRevealWeights(s, { netuid: CR, ...w }, hash))).toBe('RevealTooEarly');
    expect(await sendRaw(tx('revealWeights', CR, w.uids, w.values, [1, 2], 0n), alice)).toBe('RevealTooEarly');
    const wrong = weightsCommitHash(alice.address, CR, w.uids, w.values, [9], 0n);
    expect(refusal(checkRevealWeights(s, { netuid: CR, ...w }, wrong))).toBe('InvalidRevealCommitHashNotMatch');
    expect(await sendRaw(tx('revealWeights', CR, w.uids, w.values, [9], 0n), alice)).toBe('InvalidRevealCommitHashNotMatch');
    // Two epochs later the commit has expired.
    const commitBlock = s.commits[0]!.commitBlock;
    expect(commitBlock).toBe(start);
    const e = Math.floor((commitBlock + CR + 1) / 11);
    await h.advanceTo((e + 2) * 11 - CR - 1);
    s = await readWeightsChainState(h.conn, CR, alice.address);
    expect(refusal(checkRevealWeights(s, { netuid: CR, ...w }, hash))).toBe('ExpiredWeightCommit');
    expect(await sendRaw(tx('revealWeights', CR, w.uids, w.values, [1, 2], 0n), alice)).toBe('ExpiredWeightCommit');
  });

  it('TooManyUnrevealedCommits after ten unrevealed commits', async () => {
    const { alice } = h.keys;
    const w = { uids: [0], values: [1], versionKey: 0n };
    for (let k = 0; k < 10; k++) expect(await sendRaw(tx('commitWeights', CR0, weightsCommitHash(alice.address, CR0, w.uids, w.values, [k], 0n)), alice)).toBeNull();
    const s = await readWeightsChainState(h.conn, CR0, alice.address);
    expect(refusal(checkCommitWeights(s, { netuid: CR0, ...w }))).toBe('TooManyUnrevealedCommits');
    expect(await sendRaw(tx('commitWeights', CR0, weightsCommitHash(alice.address, CR0, w.uids, w.values, [99], 0n)), alice)).toBe('TooManyUnrevealedCommits');
  });
});
