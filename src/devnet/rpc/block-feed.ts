import type { Chain, Produced } from '../chain.js';

/*
 * One listener on the chain's 'block' event for the whole server, fanned out to every head and storage subscription.
 * The header's JSON is made once per block and shared, so 50 subscribers cost 50 string concatenations, not 50
 * serialisations. A subscriber that throws is reported and skipped: it never stops the others or the chain.
 */

/** A subscriber: the block as produced and its header as JSON text. */
export type BlockListener = (produced: Produced, headerJson: string) => void;

/** The server's view of new blocks. */
export class BlockFeed {
  private readonly listeners = new Set<BlockListener>();
  private readonly onBlock = (produced: Produced): void => {
    const headerJson = JSON.stringify(produced.block.header);
    for (const listener of [...this.listeners]) {
      try {
        listener(produced, headerJson);
      } catch (err) {
        this.log(`rpc: a block subscriber failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  constructor(
    private readonly chain: Chain,
    private readonly log: (line: string) => void,
  ) {
    chain.on('block', this.onBlock);
  }

  /** Calls `listener` for every block from now on; returns its removal. */
  subscribe(listener: BlockListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The number of subscribers (for tests and leaks). */
  get size(): number {
    return this.listeners.size;
  }

  /** Stops listening to the chain. */
  detach(): void {
    this.chain.off('block', this.onBlock);
    this.listeners.clear();
  }
}
