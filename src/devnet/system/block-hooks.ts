import type { ApplyOutcome, BlockContext, BlockHooks } from '../chain.js';
import type { CallHandler, EventSpec, RuntimeModule } from '../dispatch.js';
import { runValidators, type CheckedTx, type TransactionValidator } from '../extrinsic/check.js';
import { eraRecheck } from '../extrinsic/era.js';
import { INVALID_TRANSACTION } from '../extrinsic/rejections.js';
import type { DevnetRuntime } from '../runtime.js';
import type { Hex, StorageCodec } from '../storage-codec.js';
import { accountNonce, incrementNonce } from './account.js';
import { dispatchSigned } from './apply-call.js';
import { inherentDispatchInfo } from './dispatch-info.js';
import { EventLog } from './events.js';

/*
 * What frame-system, pallet-timestamp and frame-executive do in every block, as BlockHooks for the Chain:
 * - initialisation: System.Number, System.ParentHash, System.BlockHash(n − 1), events reset, then each module's
 *   on_initialize (its events in phase Initialization);
 * - the Timestamp.set inherent first (a real block carries it as extrinsic 0): Timestamp.Now;
 * - each signed extrinsic: nonce, era and the runtime's own signed-extension checks run again against the state of
 *   this block (what a node re-checks when it builds a block), nonce incremented, call dispatched transactionally (apply-call.ts);
 * - finalisation: System.Events and System.EventCount of this block, BlockHash pruned beyond BlockHashCount.
 * The genesis block gets frame-system's genesis items (BlockHash(0) and ParentHash hold the placeholder hash 0x4545…
 * until block 1 writes the real genesis hash, as on chain).
 */

/** Options of the system hooks. */
export interface SystemHooksOptions {
  runtime: DevnetRuntime;
  storage: StorageCodec;
  modules: readonly RuntimeModule[];
  /** The checked transaction behind an extrinsic handed to the block, if the pool accepted it. */
  lookup: (xt: Hex) => CheckedTx | undefined;
  /** The runtime's own signed-extension checks, run again before dispatch (`pre_dispatch`). */
  validators?: readonly TransactionValidator[];
  log: (message: string) => void;
}

/** frame-system's genesis placeholder for BlockHash(0) and ParentHash ([69u8; 32]). */
const HASH69 = `0x${'45'.repeat(32)}` as Hex;

/** The runtime's block logic (System, Timestamp, Executive) over the modules' call handlers. */
export class SystemHooks implements BlockHooks {
  private readonly handlers = new Map<string, CallHandler>();
  private readonly inherents = new Set<Hex>();
  private events: EventLog;
  readonly blockHashCount: number;

  constructor(private readonly options: SystemHooksOptions) {
    for (const module of options.modules) {
      for (const [name, handler] of Object.entries(module.calls ?? {})) this.handlers.set(name, handler);
    }
    this.events = new EventLog(options.runtime);
    const count = options.runtime.decorated.consts.system?.blockHashCount as unknown as { toNumber(): number } | undefined;
    this.blockHashCount = count?.toNumber() ?? 2400;
  }

  /** The inherent extrinsics that open a block with this timestamp (Timestamp.set), to be given first to the chain. */
  inherentsFor(timestamp: number): Hex[] {
    const { registry, decorated } = this.options.runtime;
    const set = decorated.tx.timestamp?.set;
    if (set === undefined) return [];
    const xt = registry.createType('Extrinsic', set(timestamp)).toHex() as Hex;
    this.inherents.clear();
    this.inherents.add(xt);
    return [xt];
  }

  onInitialize(ctx: BlockContext): void {
    const { storage } = this.options;
    this.events = new EventLog(this.options.runtime);
    ctx.state.set(storage.key('system', 'number'), storage.encode('system', 'number', ctx.number));
    ctx.state.set(storage.key('system', 'parentHash'), ctx.parentHash);
    ctx.state.set(storage.key('system', 'blockHash', ctx.number - 1), ctx.parentHash);
    for (const module of this.options.modules) {
      if (module.onInitialize === undefined) continue;
      const savepoint = ctx.state.checkpoint();
      const mark = this.events.length;
      try {
        module.onInitialize(ctx, (event: EventSpec) => this.events.deposit('initialization', event));
      } catch (e) {
        // on_initialize cannot fail on chain; a throwing module is a devnet bug, so the block goes on without its writes.
        ctx.state.restore(savepoint);
        this.events.truncate(mark);
        this.options.log(`devnet: on_initialize of block ${ctx.number} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  applyExtrinsic(ctx: BlockContext, xt: Hex, index: number): ApplyOutcome {
    if (this.inherents.has(xt)) return this.applyTimestamp(ctx, index);
    const { storage } = this.options;
    const tx = this.options.lookup(xt);
    if (tx === undefined) return { included: false, reason: 'not a transaction of the pool' };
    const stored = accountNonce(storage, ctx.state, tx.signer, ctx.number);
    if (tx.nonce < stored) return { included: false, reason: INVALID_TRANSACTION.Stale };
    if (tx.nonce > stored) return { included: false, reason: INVALID_TRANSACTION.Future };
    const era = eraRecheck(tx, ctx.number, this.blockHashCount);
    if (era !== null) return { included: false, reason: INVALID_TRANSACTION[era] };
    const custom = runValidators(this.options.validators ?? [], ctx.state, storage, ctx.number, tx.signer, tx.call);
    if (custom !== null) return { included: false, reason: `Custom error: ${custom}` };
    incrementNonce(storage, ctx.state, tx.signer);
    const success = dispatchSigned({ ...this.options, handlers: this.handlers, events: this.events }, ctx, tx, index);
    return { included: true, success };
  }

  private applyTimestamp(ctx: BlockContext, index: number): ApplyOutcome {
    const { storage, runtime } = this.options;
    ctx.state.set(storage.key('timestamp', 'now'), storage.encode('timestamp', 'now', ctx.timestamp));
    this.events.deposit({ applyExtrinsic: index }, { pallet: 'system', method: 'ExtrinsicSuccess', data: [inherentDispatchInfo(runtime)] });
    return { included: true, success: true };
  }

  onFinalize(ctx: BlockContext): void {
    const { storage, runtime } = this.options;
    if (ctx.number === 0) {
      this.writeGenesis(ctx);
      return;
    }
    this.inherents.clear();
    const eventsKey = storage.key('system', 'events');
    const countKey = storage.key('system', 'eventCount');
    const encoded = this.events.encode();
    // Absent when empty, as after frame-system's reset_events; written only when it changes, to keep history small.
    if (encoded !== null || ctx.state.get(eventsKey, ctx.number) !== null) {
      ctx.state.set(eventsKey, encoded);
      ctx.state.set(countKey, encoded === null ? null : storage.encode('system', 'eventCount', this.events.length));
    }
    const toRemove = ctx.number - this.blockHashCount - 1;
    if (toRemove > 0) ctx.state.set(storage.key('system', 'blockHash', toRemove), null);
    this.events = new EventLog(runtime);
  }

  private writeGenesis(ctx: BlockContext): void {
    const { storage, runtime } = this.options;
    ctx.state.set(storage.key('system', 'blockHash', 0), HASH69);
    ctx.state.set(storage.key('system', 'parentHash'), HASH69);
    ctx.state.set(storage.key('system', 'lastRuntimeUpgrade'), storage.encode('system', 'lastRuntimeUpgrade', {
      specVersion: runtime.version.specVersion,
      specName: runtime.version.specName,
    }));
    ctx.state.set(storage.key('system', 'upgradedToU32RefCount'), storage.encode('system', 'upgradedToU32RefCount', true));
    ctx.state.set(storage.key('system', 'upgradedToTripleRefCount'), storage.encode('system', 'upgradedToTripleRefCount', true));
  }
}
