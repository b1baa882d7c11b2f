import type { ChainConnection } from '../connection.js';
import { BlockNotFoundError } from './errors.js';
import type { BlockAt, BlockRef } from './types.js';

/*
 * The block policy of every storage read: the caller names the block (BlockAt), and it is resolved here once to a
 * number and hash; all reads that follow are pinned to that hash, so a head that moves halfway through a sync cannot
 * mix two states. Every call runs through ChainConnection.call, so each has a deadline.
 */

const ZERO_HASH = /^0x0*$/;

/** The header of a hash as a BlockRef. */
async function headerRef(conn: ChainConnection, hash: string, label: string): Promise<BlockRef> {
  const header = await conn.call(label, (api) => api.rpc.chain.getHeader(hash));
  return { number: header.number.toNumber(), hash };
}

/**
 * Resolves a block to its number and hash: the best head (chain_getHeader), the finalized head
 * (chain_getFinalizedHead), a block number (chain_getBlockHash), or a hash (chain_getHeader, checked).
 * @throws BlockNotFoundError when the node does not know the block
 */
export async function resolveBlock(conn: ChainConnection, at: BlockAt): Promise<BlockRef> {
  if (at === 'best') {
    const header = await conn.call('chain_getHeader', (api) => api.rpc.chain.getHeader());
    return { number: header.number.toNumber(), hash: header.hash.toHex() };
  }
  if (at === 'finalized') {
    const hash = (await conn.call('read the finalized head', (api) => api.rpc.chain.getFinalizedHead())).toHex();
    return headerRef(conn, hash, `chain_getHeader(${hash}) (the finalized head)`);
  }
  if (typeof at === 'number') {
    if (!Number.isSafeInteger(at) || at < 0) throw new BlockNotFoundError(at, 'a block number is an integer >= 0');
    const hash = (await conn.call(`chain_getBlockHash(${at})`, (api) => api.rpc.chain.getBlockHash(at))).toHex();
    // Substrate answers null for a number past the head, which @polkadot/api turns into the zero hash.
    if (ZERO_HASH.test(hash)) throw new BlockNotFoundError(at, 'it is past the head');
    return { number: at, hash };
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(at)) throw new BlockNotFoundError(at, 'a block is \'best\', \'finalized\', a number, or a hash (0x and 64 hex digits)');
  const hash = at.toLowerCase();
  let header;
  try {
    header = await conn.call(`chain_getHeader(${at})`, (api) => api.rpc.chain.getHeader(hash));
  } catch (e) {
    if (e instanceof Error && /UnknownBlock|not found|4003|Unable to retrieve header/i.test(e.message)) throw new BlockNotFoundError(at, e.message);
    throw e;
  }
  // Substrate answers null for an unknown hash, which @polkadot/api turns into an empty header: its own hash differs.
  if (header.hash.toHex() !== hash) throw new BlockNotFoundError(at, 'the node has no header for this hash');
  return { number: header.number.toNumber(), hash };
}
