import type { BlockRecord } from '../chain.js';
import type { Hex } from '../storage-codec.js';
import type { ServedNode } from './node-extensions.js';
import { RpcError, prunedBlock } from './rpc-error.js';

/**
 * The block a state method reads at: the best block (the head) when `hash` is null, else the block with that hash,
 * whose state must still be held (--keep-blocks).
 * @param unknown the node's error for a hash it has no header for (it differs between storage reads and runtime APIs)
 * @throws the error `unknown` builds; 4003 "... was pruned" for a block whose state is gone
 */
export function blockAt(node: ServedNode, hash: Hex | null, unknown: (hash: Hex) => RpcError): BlockRecord {
  if (hash === null) return node.chain.head;
  const block = knownBlock(node, hash, 'state');
  if (block === undefined) {
    const err = unknown(hash);
    // Once blocks are pruned, an unknown hash may be one pruned too long ago to be remembered: say so.
    const keep = node.chain.keepBlocks;
    if (keep === null || node.chain.oldestKept === 0 || err.data !== undefined) throw err;
    throw new RpcError(err.rpcCode, err.message, `the devnet keeps only the last ${keep} blocks (--keep-blocks): an older block's hash is no longer known`);
  }
  if (node.chain.isPruned(block.number)) throw prunedBlock('state', block.number, block.hash, node.chain.keepBlocks ?? 0);
  return block;
}

/**
 * The block with `hash`, or undefined when the node never had it.
 * @throws RpcError (3000 from chain_*, 4003 from state_*) for one of the recently pruned blocks
 */
export function knownBlock(node: ServedNode, hash: Hex, module: 'chain' | 'state'): BlockRecord | undefined {
  const block = node.chain.blockByHash(hash);
  if (block !== undefined) return block;
  const pruned = node.chain.prunedNumber(hash);
  if (pruned !== undefined) throw prunedBlock(module, pruned, hash.toLowerCase(), node.chain.keepBlocks ?? 0);
  return undefined;
}
