import type { BlockRecord } from '../chain.js';
import type { Hex } from '../storage-codec.js';
import type { ServedNode } from './node-extensions.js';
import type { RpcError } from './rpc-error.js';

/**
 * The block a method reads at: the best block (the head) when `hash` is null, else the block with that hash.
 * @param unknown the node's error for a hash it has no header for (it differs between storage reads and runtime APIs)
 * @throws the error `unknown` builds
 */
export function blockAt(node: ServedNode, hash: Hex | null, unknown: (hash: Hex) => RpcError): BlockRecord {
  if (hash === null) return node.chain.head;
  const block = node.chain.blockByHash(hash);
  if (block === undefined) throw unknown(hash);
  return block;
}
