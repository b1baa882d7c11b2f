import type { Extrinsic } from '@polkadot/types/interfaces';
import type { AnyTuple, CallBase } from '@polkadot/types/types';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { isReady as wasmReady, sr25519Verify as wasmSr25519Verify } from '@polkadot/wasm-crypto';
import { blake2AsHex, ed25519Verify, encodeAddress, secp256k1Verify, sr25519Verify } from '@polkadot/util-crypto';
import type { CallArgs } from '../dispatch.js';
import type { DevnetRuntime } from '../runtime.js';
import type { StateStore } from '../state-store.js';
import type { Hex, StorageCodec } from '../storage-codec.js';
import { accountNonce } from '../system/account.js';
import { callArgs } from '../system/call-args.js';
import { eraBirth, mortalityOf, type Mortality } from './era.js';
import { badFormat, customInvalid, invalidTransaction, unknownTransaction } from './rejections.js';
import { signingPayload } from './signing-payload.js';

/** A decoded call (section, method, args and their metadata). */
export type Call = CallBase<AnyTuple>;

/*
 * The checks a node runs on a submitted extrinsic before it enters the pool, in frame's order: decode; look the
 * signer up (only MultiAddress::Id resolves, as with subtensor's AccountIdLookup); build the signing payload from the
 * signed extensions' implicit data (CheckSpecVersion, CheckTxVersion, CheckGenesis, CheckMortality: the birth block's
 * hash or AncientBirthBlock, CheckMetadataHash); verify the signature; then the extensions' `validate` in order
 * (CheckNonZeroSender, CheckNonce: stale refused, CheckWeight: the block length).
 *
 * Fees are not charged (ChargeTransactionPayment checks nothing): the weight calls a validator sends are Pays::No on
 * subtensor, and devnet accounts need no balance. For the same reason the devnet does not refuse accounts without
 * providers (CheckNonce's "Payment" refusal). CheckMetadataHash: the devnet runtime is one built without
 * RUNTIME_METADATA_HASH, so its implicit data is None in both modes, and a signature made over Some(hash) (mode 1 with a
 * hash) fails as a bad signature, exactly as on such a runtime. SubtensorSignedExtension and
 * CommitmentsSignedExtension carry no data and validate nothing here.
 */

/**
 * A runtime's own signed-extension check (SubtensorSignedExtension's `validate` / `pre_dispatch`): reads the state at
 * block `at` and answers an `InvalidTransaction::Custom` code to refuse the call `section.method`, or null to pass it.
 */
export type TransactionValidator = (
  state: StateStore,
  storage: StorageCodec,
  at: number,
  signer: Hex,
  call: string,
  args: CallArgs,
) => number | null;

/** What a check reads: the state at the head, the head, and the chain's identity. */
export interface CheckEnv {
  runtime: DevnetRuntime;
  storage: StorageCodec;
  state: StateStore;
  head: { number: number; hash: Hex };
  genesisHash: Hex;
  /** The runtime's own signed-extension checks, run last. */
  validators?: readonly TransactionValidator[];
}

/** An extrinsic that passed the checks, with what the pool and the block builder need. */
export interface CheckedTx {
  hex: Hex;
  hash: Hex;
  /** Encoded length in bytes (CheckWeight's length limit). */
  length: number;
  /** The signer's 32-byte account id, and its SS58 form (prefix 42). */
  signer: Hex;
  address: string;
  nonce: number;
  tip: bigint;
  mortality: Mortality;
  /** The birth block the signature was checked against, and its hash. */
  birth: number;
  birthHash: Hex;
  call: Call;
}

/** Decodes the bytes of an extrinsic, refusing what a node cannot decode (trailing bytes included). */
export function decodeExtrinsic(runtime: DevnetRuntime, hex: string, watched: boolean): { xt: Extrinsic; bytes: Uint8Array } {
  let bytes: Uint8Array;
  try {
    // Internal: caught just below, with hexToU8a's own errors, and answered as the node's bad-format RPC error.
    if (!/^0x([0-9a-fA-F]{2})*$/.test(hex)) throw new Error('not a 0x-prefixed hex string of whole bytes');
    bytes = hexToU8a(hex);
  } catch (e) {
    throw badFormat((e as Error).message, watched);
  }
  let xt: Extrinsic;
  try {
    xt = runtime.registry.createType('Extrinsic', bytes);
  } catch (e) {
    throw badFormat((e as Error).message, watched);
  }
  if (xt.encodedLength !== bytes.length) {
    throw badFormat(`${bytes.length - xt.encodedLength} bytes after the end of the extrinsic`, watched);
  }
  return { xt, bytes };
}

/** The hash of the birth block, as `System.BlockHash` holds it while the next block is checked, or null (ancient). */
function birthHashOf(env: CheckEnv, birth: number): Hex | null {
  if (birth === env.head.number) return env.head.hash;
  if (birth > env.head.number) return null;
  if (birth === 0) return env.genesisHash;
  return env.state.get(env.storage.key('system', 'blockHash', birth)) as Hex | null;
}

/** Verifies a MultiSignature as sp-runtime does (ECDSA: blake2_256 of the message, signer = blake2_256(public key)). */
function verifySignature(xt: Extrinsic, message: Uint8Array, accountId: Uint8Array): boolean {
  const sig = (xt.inner.signature as unknown as { multiSignature: { type: string; value: { toU8a(): Uint8Array } } }).multiSignature;
  const raw = sig.value.toU8a();
  try {
    switch (sig.type) {
      // The wasm verifier is several times faster than the JS one util-crypto uses; it is ready after cryptoWaitReady.
      case 'Sr25519': return wasmReady() ? wasmSr25519Verify(raw, message, accountId) : sr25519Verify(message, raw, accountId);
      case 'Ed25519': return ed25519Verify(message, raw, accountId);
      case 'Ecdsa': return secp256k1Verify(message, raw, accountId, 'blake2');
      default: return false;
    }
  } catch {
    // Malformed keys or signatures (a point not on the curve, a bad recovery id) are bad proofs, not crashes.
    return false;
  }
}

/** The mandatory inherent (Timestamp.set) a block carries first; a node refuses it from the pool. */
function isInherent(call: Call): boolean {
  return call.section === 'timestamp' && call.method === 'set';
}

/** The largest extrinsic length a Normal-class block holds (System.BlockLength). */
function maxNormalLength(runtime: DevnetRuntime): number {
  const c = runtime.decorated.consts.system?.blockLength as unknown as { max: { normal: { toNumber(): number } } } | undefined;
  return c?.max.normal.toNumber() ?? 5 * 1024 * 1024 * 0.75;
}

/**
 * Runs a node's submission checks on an extrinsic. A nonce above the account's is not refused here: the pool keeps
 * such a transaction as "future".
 * @throws TxRejected as a node refuses the extrinsic
 */
export function checkExtrinsic(env: CheckEnv, hex: string, watched: boolean): CheckedTx {
  const { xt, bytes } = decodeExtrinsic(env.runtime, hex, watched);
  if (!xt.isSigned) {
    // Frame's validate_transaction: a Mandatory call is never validated; other unsigned calls need a ValidateUnsigned
    // implementation, which none of the pallets served here provide.
    throw isInherent(xt.method) ? invalidTransaction('MandatoryValidation') : unknownTransaction('NoUnsignedValidator');
  }
  const signerAddr = xt.signer as unknown as { type: string; value: { toU8a(): Uint8Array } };
  if (signerAddr.type !== 'Id') throw unknownTransaction('CannotLookup');
  const accountId = signerAddr.value.toU8a();
  const current = env.head.number + 1;
  const mortality = mortalityOf(xt.era);
  const birth = eraBirth(mortality, current);
  const birthHash = birthHashOf(env, birth);
  if (birthHash === null) throw invalidTransaction('AncientBirthBlock');
  if (!verifySignature(xt, signingPayload(env.runtime, bytes, xt, env.genesisHash, birthHash), accountId)) throw invalidTransaction('BadProof');
  if (accountId.every((b) => b === 0)) throw invalidTransaction('BadSigner');
  const signer = u8aToHex(accountId) as Hex;
  const nonce = xt.nonce.toNumber();
  if (nonce < accountNonce(env.storage, env.state, signer)) throw invalidTransaction('Stale');
  if (bytes.length > maxNormalLength(env.runtime)) throw invalidTransaction('ExhaustsResources');
  const custom = runValidators(env.validators ?? [], env.state, env.storage, env.head.number, signer, xt.method);
  if (custom !== null) throw customInvalid(custom);
  return {
    hex: u8aToHex(bytes) as Hex,
    hash: blake2AsHex(bytes, 256) as Hex,
    length: bytes.length,
    signer,
    address: encodeAddress(accountId, 42),
    nonce,
    tip: xt.tip.toBigInt(),
    mortality,
    birth,
    birthHash,
    call: xt.method,
  };
}

/** Runs the runtime's signed-extension checks on a call at block `at`; the first refusal's custom code, or null. */
export function runValidators(
  validators: readonly TransactionValidator[],
  state: StateStore,
  storage: StorageCodec,
  at: number,
  signer: Hex,
  call: Call,
): number | null {
  if (validators.length === 0) return null;
  const name = `${call.section}.${call.method}`;
  const args = callArgs(call);
  for (const validate of validators) {
    const code = validate(state, storage, at, signer, name, args);
    if (code !== null) return code;
  }
  return null;
}
