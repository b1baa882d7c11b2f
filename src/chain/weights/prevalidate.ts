import { maxUpscaleU16 } from '../../simulation/index.js';
import type { WeightsChainState } from './chain-state.js';
import { epochIndex, isCommitExpired, revealWindow } from './epoch.js';
import { PrevalidationError } from './errors.js';
import { vecMaxLimited } from './max-limit.js';

/*
 * The chain's own checks of set_weights, commit_weights and reveal_weights (spec 233, subnets/weights.rs, in the order
 * docs/devnet.md lists them), run locally on the state read at the head, for an extrinsic included in the next block.
 * The first failing check gives the chain's error name, so nothing is sent that the chain would refuse.
 */

/** The weights an extrinsic carries, in chain units. */
export interface WeightsCall {
  netuid: number;
  uids: readonly number[];
  values: readonly number[];
  versionKey: bigint;
}

/** The checks' verdict. `firstAllowedBlock` is set for the rate limit: the first block the call would pass. */
export type Verdict =
  | { ok: true; upscaled: number[] }
  | { ok: false; chainError: string; detail: string; firstAllowedBlock: number | null };

const refuse = (chainError: string, detail: string, firstAllowedBlock: number | null = null): Verdict => ({ ok: false, chainError, detail, firstAllowedBlock });

const isSelfWeight = (uid: number, c: WeightsCall): boolean => c.values.length === 1 && c.uids[0] === uid;

/** `check_rate_limit` for the uid at `block`; returns the first allowed block when it fails. */
function rateLimit(s: WeightsChainState, uid: number, block: number): number | null {
  const last = s.lastUpdate[uid] ?? 0;
  if (last === 0) return null;
  const elapsed = block > last ? block - last : 0;
  // WeightsSetRateLimit is a u64 (bigint, as Hyperparams reads it); a limit past 2^53 blocks is "never" either way.
  const limit = Number(s.weightsSetRateLimit);
  return elapsed >= limit ? null : last + limit;
}

/**
 * `do_set_weights` steps 1–15 at `block`. `withRateLimit` is false for a reveal (and the chain skips it under
 * commit-reveal anyway).
 */
function doSetWeightsChecks(s: WeightsChainState, c: WeightsCall, block: number, withRateLimit: boolean): Verdict {
  if (c.netuid === 0) return refuse('CanNotSetRootNetworkWeights', 'netuid 0 is the root network');
  if (c.uids.length !== c.values.length) return refuse('WeightVecNotEqualSize', `${c.uids.length} uids but ${c.values.length} values`);
  if (!s.networkExists) return refuse('SubNetworkDoesNotExist', `subnet ${c.netuid} does not exist`);
  if (c.uids.length > s.n) return refuse('UidsLengthExceedUidsInSubNet', `${c.uids.length} uids but the subnet has ${s.n} neurons`);
  if (s.uid === null) return refuse('HotKeyNotRegisteredInSubNet', `the hotkey is not registered on subnet ${c.netuid}`);
  const uid = s.uid;
  if (s.stake < s.stakeThreshold) return refuse('NotEnoughStakeToSetWeights', `stake ${s.stake} is below StakeThreshold ${s.stakeThreshold}`);
  if (!(s.weightsVersionKey === 0n || c.versionKey >= s.weightsVersionKey)) {
    return refuse('IncorrectWeightVersionKey', `version key ${c.versionKey} is below the subnet's WeightsVersionKey ${s.weightsVersionKey}`);
  }
  if (withRateLimit && !s.commitRevealEnabled) {
    const first = rateLimit(s, uid, block);
    if (first !== null) {
      return refuse('SettingWeightsTooFast', `LastUpdate ${s.lastUpdate[uid]} + WeightsSetRateLimit ${s.weightsSetRateLimit} = block ${first}, after block ${block}`, first);
    }
  }
  if (!isSelfWeight(uid, c) && !(s.validatorPermit[uid] ?? false)) return refuse('NeuronNoValidatorPermit', `uid ${uid} has no validator permit`);
  if (new Set(c.uids).size !== c.uids.length) return refuse('DuplicateUids', 'a uid appears twice');
  const bad = c.uids.find((u) => !(u < s.n));
  if (bad !== undefined) return refuse('UidVecContainInvalidOne', `uid ${bad} is not registered (n = ${s.n})`);
  const minAllowed = Math.min(s.n, s.minAllowedWeights);
  if (!isSelfWeight(uid, c) && c.values.length < minAllowed) {
    return refuse('WeightVecLengthIsLow', `${c.values.length} weights, fewer than min(SubnetworkN, MinAllowedWeights) = ${minAllowed}`);
  }
  const upscaled = maxUpscaleU16(c.values);
  if (!isSelfWeight(uid, { ...c, values: upscaled }) && s.maxWeightsLimit !== 65535 && !vecMaxLimited(upscaled, s.maxWeightsLimit)) {
    return refuse('MaxWeightExceeded', `the largest normalized weight exceeds MaxWeightsLimit ${s.maxWeightsLimit}/65535`);
  }
  return { ok: true, upscaled };
}

/** set_weights' checks, for inclusion in block `s.block + 1`. */
export function checkSetWeights(s: WeightsChainState, c: WeightsCall): Verdict {
  if (s.commitRevealEnabled) return refuse('CommitRevealEnabled', `subnet ${c.netuid} has commit-reveal on: commit, then reveal`);
  return doSetWeightsChecks(s, c, s.block + 1, true);
}

/**
 * commit_weights' checks for inclusion in block `s.block + 1`, then (locally only: the chain checks them at the reveal)
 * the weights as the reveal will check them, so that a commit that could never be revealed is not sent.
 */
export function checkCommitWeights(s: WeightsChainState, c: WeightsCall): Verdict {
  const block = s.block + 1;
  if (!s.commitRevealEnabled) return refuse('CommitRevealDisabled', `subnet ${c.netuid} has commit-reveal off: use set_weights`);
  if (s.uid === null) return refuse('HotKeyNotRegisteredInSubNet', `the hotkey is not registered on subnet ${c.netuid}`);
  const first = rateLimit(s, s.uid, block);
  if (first !== null) {
    return refuse('CommittingWeightsTooFast', `LastUpdate ${s.lastUpdate[s.uid]} + WeightsSetRateLimit ${s.weightsSetRateLimit} = block ${first}, after block ${block}`, first);
  }
  const live = s.commits.filter((x) => !isCommitExpired(x.commitBlock, block, c.netuid, s.tempo, Number(s.revealPeriodEpochs)));
  if (live.length >= 10) return refuse('TooManyUnrevealedCommits', `${live.length} unrevealed commits (at most 10)`);
  return doSetWeightsChecks(s, c, block, false);
}

/** reveal_weights' checks for inclusion in block `s.block + 1`. */
export function checkRevealWeights(s: WeightsChainState, c: WeightsCall, hash: string): Verdict {
  const block = s.block + 1;
  if (!s.commitRevealEnabled) return refuse('CommitRevealDisabled', `subnet ${c.netuid} has commit-reveal off`);
  if (s.commits.length === 0) return refuse('NoWeightsCommitFound', 'the hotkey has no commit on chain');
  const expired = s.commits.filter((x) => isCommitExpired(x.commitBlock, block, c.netuid, s.tempo, Number(s.revealPeriodEpochs)));
  const live = s.commits.slice(expired.length);
  const h = hash.toLowerCase();
  const mine = live.find((x) => x.hash === h);
  if (mine === undefined) {
    if (expired.some((x) => x.hash === h)) return refuse('ExpiredWeightCommit', 'the commit\'s reveal epoch has passed');
    return refuse(live.length === 0 ? 'NoWeightsCommitFound' : 'InvalidRevealCommitHashNotMatch', 'no commit on chain has this hash');
  }
  const w = revealWindow(mine.commitBlock, c.netuid, s.tempo, Number(s.revealPeriodEpochs));
  if (epochIndex(block, c.netuid, s.tempo) !== epochIndex(mine.commitBlock, c.netuid, s.tempo) + Number(s.revealPeriodEpochs)) {
    return refuse('RevealTooEarly', `the reveal window is blocks ${w.first}..${w.last}, not block ${block}`, w.first);
  }
  return doSetWeightsChecks(s, c, block, false);
}

/** Throws the verdict's PrevalidationError when it refuses. */
export function assertVerdict(v: Verdict): number[] {
  if (!v.ok) throw new PrevalidationError(v.chainError, v.detail, v.firstAllowedBlock);
  return v.upscaled;
}
