import { InvalidInputError } from '../../errors/index.js';
import type { CallArgs, CallContext, RuntimeModule } from '../dispatch.js';
import { loadRuntime } from '../runtime.js';
import type { DevnetRuntime } from '../runtime.js';
import type { StateStore } from '../state-store.js';
import { StorageCodec } from '../storage-codec.js';
import type { Hex } from '../storage-codec.js';
import { argBig, argBigs, argHash, argHashes, argList, argNum, argNumLists, argNums, callEnv } from './call-env.js';
import type { CallEnv } from './call-env.js';
import { batchCommitWeights, batchRevealWeights, commitWeights, revealWeights } from './commit-reveal.js';
import { applyAfterInitialize } from './after-initialize.js';
import { runDueEpochs } from './epoch.js';
import { SubtensorStore } from './store.js';
import { batchSetWeights, checkWeightsMinStake, setWeights } from './weights.js';
import { commitTimelockedWeights, revealTimelockedWeights } from './timelock-commit.js';
import type { Hex as BytesHex } from '../storage-codec.js';

/*
 * SubtensorModule for the devnet runtime: the weight calls a validator makes, and the epochs in on_initialize.
 * Everything the module needs is in the chain state (the configuration-only parameters included, see config-only.ts),
 * so one module serves a fresh devnet and one resumed from `--db` alike.
 */

/** Options of `subtensorModule`. */
export interface SubtensorModuleOptions {
  /** The served runtime (default: the spec-233 runtime of data/chain/). */
  runtime?: DevnetRuntime;
}

function handler(run: (env: CallEnv, args: CallArgs) => void): (ctx: CallContext, args: CallArgs) => void {
  return (ctx, args) => run(callEnv(ctx), args);
}

/** A `Bytes` argument as hex (as the extrinsic decoder gives it, or snake_case). */
function bytesArg(args: CallArgs, name: string): BytesHex {
  const v = args[name];
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new InvalidInputError(name, 'expected the bytes as 0x-hex');
  return v as BytesHex;
}

/** batch_set_weights' `weights`: per netuid, a list of (uid, value) pairs. */
function weightRows(rows: unknown[]): Array<Array<[number, number]>> {
  return rows.map((row) => argNumLists({ weights: row }, 'weights') as Array<[number, number]>);
}

/** The SubtensorModule of the devnet: call handlers by `subtensorModule.<call>` and the epochs of each block. */
export function subtensorModule(options: SubtensorModuleOptions = {}): RuntimeModule {
  const codec = new StorageCodec(options.runtime ?? loadRuntime());
  return {
    calls: {
      'subtensorModule.setWeights': handler((env, a) => setWeights(env, argNum(a, 'netuid'), argNums(a, 'dests'), argNums(a, 'weights'), argBig(a, 'versionKey'))),
      'subtensorModule.batchSetWeights': handler((env, a) => batchSetWeights(env, argNums(a, 'netuids'), weightRows(argList(a, 'weights')), argBigs(a, 'versionKeys'))),
      'subtensorModule.commitWeights': handler((env, a) => commitWeights(env, argNum(a, 'netuid'), argHash(a, 'commitHash'))),
      'subtensorModule.batchCommitWeights': handler((env, a) => batchCommitWeights(env, argNums(a, 'netuids'), argHashes(a, 'commitHashes'))),
      'subtensorModule.revealWeights': handler((env, a) =>
        revealWeights(env, argNum(a, 'netuid'), argNums(a, 'uids'), argNums(a, 'values'), argNums(a, 'salt'), argBig(a, 'versionKey'))),
      'subtensorModule.batchRevealWeights': handler((env, a) =>
        batchRevealWeights(env, argNum(a, 'netuid'), argNumLists(a, 'uidsList'), argNumLists(a, 'valuesList'), argNumLists(a, 'saltsList'), argBigs(a, 'versionKeys'))),
      // Specs 343 and 424 (timelock-commit.ts); the served metadata decides whether a client can send it at all.
      'subtensorModule.commitTimelockedWeights': handler((env, a) =>
        commitTimelockedWeights(env, argNum(a, 'netuid'), bytesArg(a, 'commit'), argBig(a, 'revealRound'), argNum(a, 'commitRevealVersion'))),
    },
    onInitialize(block, deposit) {
      // The chain reveals timelocked commits in block_step before it runs the epochs.
      revealTimelockedWeights(SubtensorStore.building(block, codec), block.number, deposit, (m) => process.stderr.write(`${m}\n`));
      const store = SubtensorStore.building(block, codec);
      runDueEpochs(store, block.number);
      applyAfterInitialize(store);
    },
  };
}

/** The weight calls SubtensorSignedExtension screens (spec 233 `validate`), with their netuid argument. */
const SCREENED: ReadonlySet<string> = new Set([
  'subtensorModule.setWeights', 'subtensorModule.commitWeights', 'subtensorModule.revealWeights',
  'subtensorModule.batchRevealWeights', 'subtensorModule.commitCrv3Weights',
]);

/** `CustomTransactionError::StakeAmountTooLow` as the signed extension reports it (InvalidTransaction::Custom(1)). */
export const STAKE_AMOUNT_TOO_LOW = 1;

/**
 * SubtensorSignedExtension's check for the transaction pool: a weight call from a hotkey whose stake is below
 * StakeThreshold is an invalid transaction (Custom(1)), refused before inclusion. Returns the custom code, or null when
 * the call passes (or is not screened).
 * @param at the block whose state is read (the head for submissions, head + 1 inside a block)
 */
export function weightsTransactionValidity(state: StateStore, codec: StorageCodec, at: number, signer: Hex, call: string, args: CallArgs): number | null {
  if (!SCREENED.has(call)) return null;
  const store = new SubtensorStore(state, codec, at);
  return checkWeightsMinStake(store, signer.toLowerCase() as Hex, argNum(args, 'netuid')) ? null : STAKE_AMOUNT_TOO_LOW;
}
