import type { Extrinsic } from '@polkadot/types/interfaces';
import { compactFromU8a, u8aConcat } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { RuntimeDataError } from '../../errors/index.js';
import type { DevnetRuntime } from '../runtime.js';
import type { Hex } from '../storage-codec.js';

/*
 * The bytes a signed extrinsic's signature covers: (call, extra, implicit).encode(), blake2_256-hashed when longer than
 * 256 bytes (sp-runtime's SignedPayload). `extra` is what the signed extensions put in the extrinsic (era, nonce, tip,
 * metadata-hash mode); it is taken from the submitted bytes as they are, so nothing is re-encoded. `implicit` is what
 * the extensions add without sending it (spec and transaction versions, genesis hash, birth block hash, metadata
 * hash), in the order the registry lists the extensions, encoded once per birth block.
 */

/** The implicit fields of the served extensions, by the registry's names, and their types. */
interface ImplicitLayout {
  fields: Array<[name: string, type: string]>;
  /** Encoded implicit data by birth hash (a devnet signs against few distinct blocks at a time). */
  cache: Map<string, Uint8Array>;
}

const layouts = new WeakMap<DevnetRuntime, ImplicitLayout>();

/** How many birth hashes keep their encoded implicit data. */
const CACHE_SIZE = 256;

function layoutOf(runtime: DevnetRuntime): ImplicitLayout {
  let layout = layouts.get(runtime);
  if (layout === undefined) {
    const fields = Object.entries(runtime.registry.getSignedExtensionExtra());
    const known = new Set(['specVersion', 'transactionVersion', 'genesisHash', 'blockHash', 'metadataHash']);
    const unknown = fields.filter(([name]) => !known.has(name)).map(([name]) => name);
    if (unknown.length > 0) throw new RuntimeDataError(`signed extensions with implicit data the devnet cannot provide: ${unknown.join(', ')}`);
    layout = { fields, cache: new Map() };
    layouts.set(runtime, layout);
  }
  return layout;
}

/** The implicit data for a birth block, as CheckSpecVersion, CheckTxVersion, CheckGenesis, CheckMortality and CheckMetadataHash give it. */
function implicitData(runtime: DevnetRuntime, genesisHash: Hex, birthHash: Hex): Uint8Array {
  const layout = layoutOf(runtime);
  const cacheKey = `${genesisHash}${birthHash}`;
  const cached = layout.cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const values: Record<string, unknown> = {
    specVersion: runtime.version.specVersion,
    transactionVersion: runtime.version.transactionVersion,
    genesisHash,
    blockHash: birthHash,
    // A runtime built without RUNTIME_METADATA_HASH: None in both modes of CheckMetadataHash.
    metadataHash: null,
  };
  const encoded = u8aConcat(...layout.fields.map(([name, type]) => runtime.registry.createTypeUnsafe(type, [values[name]]).toU8a()));
  if (layout.cache.size >= CACHE_SIZE) layout.cache.clear();
  layout.cache.set(cacheKey, encoded);
  return encoded;
}

/** The message a signed extrinsic's signature must verify against, from its submitted bytes and decoded form. */
export function signingPayload(runtime: DevnetRuntime, bytes: Uint8Array, xt: Extrinsic, genesisHash: Hex, birthHash: Hex): Uint8Array {
  const signature = xt.inner.signature as unknown as {
    encodedLength: number;
    signer: { encodedLength: number };
    multiSignature: { encodedLength: number };
  };
  // Length prefix, version byte, then signer, signature and extra, then the call.
  const [prefix] = compactFromU8a(bytes);
  const signedStart = prefix + 1;
  const extraStart = signedStart + signature.signer.encodedLength + signature.multiSignature.encodedLength;
  const callStart = signedStart + signature.encodedLength;
  const call = bytes.subarray(callStart);
  if (call.length !== xt.method.encodedLength) throw new RuntimeDataError('an extrinsic whose layout the devnet does not know');
  const raw = u8aConcat(call, bytes.subarray(extraStart, callStart), implicitData(runtime, genesisHash, birthHash));
  return raw.length > 256 ? blake2AsU8a(raw, 256) : raw;
}
