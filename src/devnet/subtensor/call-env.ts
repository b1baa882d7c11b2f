import { stringCamelCase } from '@polkadot/util';
import { describeValue, InvalidInputError, RuntimeDataError } from '../../errors/index.js';
import { DispatchError } from '../dispatch.js';
import type { CallArgs, CallContext, EventSpec } from '../dispatch.js';
import { loadRuntime } from '../runtime.js';
import type { Hex } from '../storage-codec.js';
import { SubtensorStore } from './store.js';

/*
 * What a SubtensorModule call handler works with: the store of the block being built, the block number, the signer,
 * and the event sink; plus readers for the call's arguments. The extrinsic pipeline decoded the arguments with the
 * metadata, so their types are right; the readers only convert the JSON forms (u64 may come as a number, a decimal or
 * a hex string).
 */

/** A call's environment. */
export interface CallEnv {
  store: SubtensorStore;
  block: number;
  /** The signer's 32-byte public key (the hotkey for weight calls). */
  who: Hex;
  deposit(event: EventSpec): void;
}

/** The environment of a call handler. */
export function callEnv(ctx: CallContext): CallEnv {
  return {
    store: SubtensorStore.building(ctx.block, ctx.storage),
    block: ctx.block.number,
    who: ctx.signer.publicKey.toLowerCase() as Hex,
    deposit: (e) => ctx.deposit(e),
  };
}

/** Fails the call with one of SubtensorModule's errors, by its metadata name. */
export function fail(error: string): never {
  throw new DispatchError('subtensorModule', error);
}

/** Deposits a SubtensorModule event. */
export function emit(env: CallEnv, method: string, data: unknown[]): void {
  env.deposit({ pallet: 'subtensorModule', method, data });
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** An argument by its metadata name, in camelCase as @polkadot/types names it or in the metadata's snake_case. */
function arg(args: CallArgs, name: string): unknown {
  const v = args[name] ?? args[snake(name)];
  if (v === undefined) throw new InvalidInputError(name, 'is missing from the call arguments');
  return v;
}

function toBig(v: unknown, name: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^(0x[0-9a-fA-F]*|[0-9]+)$/.test(v)) return BigInt(v === '0x' ? 0 : v);
  throw new InvalidInputError(name, `expected an integer, got ${describeValue(v)}`);
}

/** An integer argument that fits a double (u16, compact u16). */
export function argNum(args: CallArgs, name: string): number {
  return Number(toBig(arg(args, name), name));
}

/** A u64 argument. */
export function argBig(args: CallArgs, name: string): bigint {
  return toBig(arg(args, name), name);
}

/** A Vec<u16> argument. */
export function argNums(args: CallArgs, name: string): number[] {
  return list(arg(args, name), name).map((x) => Number(toBig(x, name)));
}

/** A Vec<u64> argument. */
export function argBigs(args: CallArgs, name: string): bigint[] {
  return list(arg(args, name), name).map((x) => toBig(x, name));
}

/** A Vec<Vec<u16>> argument. */
export function argNumLists(args: CallArgs, name: string): number[][] {
  return list(arg(args, name), name).map((row) => list(row, name).map((x) => Number(toBig(x, name))));
}

/** An H256 argument as lowercase hex. */
export function argHash(args: CallArgs, name: string): Hex {
  const v = arg(args, name);
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(v)) throw new InvalidInputError(name, `expected a 32-byte hex hash, got ${describeValue(v)}`);
  return v.toLowerCase() as Hex;
}

/** A Vec<H256> argument. */
export function argHashes(args: CallArgs, name: string): Hex[] {
  return list(arg(args, name), name).map((h) => argHash({ [name]: h }, name));
}

/** Any list argument, raw. */
export function argList(args: CallArgs, name: string): unknown[] {
  return list(arg(args, name), name);
}

function list(v: unknown, name: string): unknown[] {
  if (!Array.isArray(v)) throw new InvalidInputError(name, `expected a list, got ${describeValue(v)}`);
  return v;
}

/**
 * A failed item of a batch call as the runtime's `sp_runtime::DispatchError` (for BatchWeightItemFailed): the Module
 * variant with the pallet's index and the error's index in the metadata.
 */
export function dispatchErrorData(err: DispatchError): { Module: { index: number; error: Hex } } {
  const runtime = loadRuntime();
  const pallet = runtime.metadata.asLatest.pallets.find((p) => stringCamelCase(p.name.toString()) === err.pallet);
  const meta = runtime.decorated.errors[err.pallet]?.[err.error];
  if (pallet === undefined || meta === undefined) throw new RuntimeDataError(`${err.pallet}.${err.error} is not an error of the served runtime`);
  const index = meta.meta.index.toNumber();
  return { Module: { index: pallet.index.toNumber(), error: `0x${index.toString(16).padStart(2, '0')}000000` as Hex } };
}
