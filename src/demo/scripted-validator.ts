import type { KeyringPair } from '@polkadot/keyring/types';
import { WeightsPipeline, type ChainConnection, type Metagraph } from '../chain/index.js';
import { Store } from '../store/index.js';

/*
 * The two dishonest validators of the demo. Neither queries a miner: the copier sets its weights to the consensus it
 * read from the chain after each epoch (the cheapest way to agree with the majority), and the self-dealer sets the same
 * consensus plus a boost to the miner that shares its coldkey. Both submit through the real weight pipeline (pre-
 * validation, set_weights or commit/reveal), so they obey the same rate limits and windows as the honest validators.
 */

/** The copier's or self-dealer's row for one tempo, from the metagraph synced after an epoch (null: nothing to set). */
export function scriptedRow(role: 'copier' | 'self-dealer', m: Metagraph, self: number, boosted: number | null): { uids: number[]; weights: number[] } | null {
  const uids: number[] = [], weights: number[] = [];
  let total = 0;
  for (let u = 0; u < m.n; u++) {
    const c = m.consensus[u] ?? 0;
    if (u === self || c === 0) continue;
    uids.push(u); weights.push(c); total += c;
  }
  if (role === 'self-dealer' && boosted !== null) {
    // Half of the row to its own miner, whatever the consensus says of it.
    const boost = total > 0 ? total : 1;
    const i = uids.indexOf(boosted);
    if (i >= 0) weights[i] = (weights[i] as number) + boost;
    else { uids.push(boosted); weights.push(boost); }
    total += boost;
  }
  return total > 0 ? { uids, weights } : null;
}

/** One scripted validator: call `onEpoch` after each epoch. */
export class ScriptedValidator {
  private readonly store: Store;
  private readonly pipeline: WeightsPipeline;
  private busy = false;
  /** Weight calls landed (a commit counts at its reveal). */
  landed = 0;
  lastError: string | null = null;

  constructor(readonly role: 'copier' | 'self-dealer', conn: ChainConnection, pair: KeyringPair, dbFile: string, private readonly netuid: number,
    private readonly boosted: number | null, pipelineOptions: { pollMs: number; inclusionTimeoutMs: number; backoffMs: number; maxWaitMs: number }) {
    this.store = Store.open(dbFile);
    this.pipeline = new WeightsPipeline(conn, this.store, pair, { ...pipelineOptions, log: () => {} });
  }

  /**
   * After an epoch: reveals the previous tempo's commit first (under commit-reveal its window opens an epoch after the
   * commit), then sets or commits this tempo's row. A no-op while the previous call is still running.
   */
  async onEpoch(m: Metagraph, self: number): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const r of await this.pipeline.revealPending()) if (r.status === 'revealed') this.landed++;
      const row = scriptedRow(this.role, m, self, this.boosted);
      if (row === null) return;
      const state = await this.pipeline.readState(this.netuid);
      const emitted = this.pipeline.process(state, row.uids, row.weights);
      const r = await this.pipeline.submit({ netuid: this.netuid, uids: emitted.uids, values: emitted.values });
      if (r.revealWindow === null) this.landed++;
      this.lastError = null;
    } catch (e) {
      this.lastError = (e as { code?: string }).code ?? (e as Error).message;
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.store.close();
  }
}
