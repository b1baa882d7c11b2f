import { EventEmitter } from 'node:events';
import { blake2AsHex } from '@polkadot/util-crypto';
import { u8aConcat, hexToU8a } from '@polkadot/util';
import type { DevnetRuntime } from './runtime.js';
import type { ChangeSet, StateStore } from './state-store.js';
import type { Hex } from './storage-codec.js';

/*
 * The devnet's chain: a list of blocks over a StateStore. Every block is final as soon as it is produced
 * (contracts/devnet.md), so there are no forks and finality equals the head. What happens inside a block (epochs,
 * extrinsics, events) is the hooks' business; the chain builds the header and commits the state.
 *
 * History is bounded when `keepBlocks` is set: only the last keepBlocks blocks and their state are held (a devnet
 * asked for 100 000 blocks at once grew by 3 KB a block, forever). The genesis block's record stays, since clients
 * identify the chain by its hash, but its state goes like any other. The hashes of the last PRUNED_REMEMBERED pruned
 * blocks are remembered, so a client a little behind is told its block was pruned rather than that it never existed.
 */

/** A block header as JSON-RPC returns it (`chain_getHeader`). */
export interface HeaderJson {
  parentHash: Hex;
  number: Hex;
  stateRoot: Hex;
  extrinsicsRoot: Hex;
  digest: { logs: Hex[] };
}

/** A produced block. */
export interface BlockRecord {
  number: number;
  hash: Hex;
  header: HeaderJson;
  /** The SCALE-encoded extrinsics included, in order. */
  extrinsics: Hex[];
  /** Unix milliseconds of production (the Timestamp pallet's `now`). */
  timestamp: number;
}

/** What a hook sees while a block is built. */
export interface BlockContext {
  /** The number of the block being built. */
  number: number;
  parentHash: Hex;
  timestamp: number;
  state: StateStore;
}

/** The outcome of one extrinsic: included (successfully or not), or refused before inclusion. */
export type ApplyOutcome = { included: true; success: boolean } | { included: false; reason: string };

/** What a block does besides its header: the runtime's side. */
export interface BlockHooks {
  /** Before the extrinsics (on_initialize: epochs, block number storage). */
  onInitialize(ctx: BlockContext): void;
  /** Applies one extrinsic at position `index` among those included so far. */
  applyExtrinsic(ctx: BlockContext, xt: Hex, index: number): ApplyOutcome;
  /** After the extrinsics (events storage, block hash storage). */
  onFinalize(ctx: BlockContext, included: Hex[]): void;
}

/** The result of producing a block: the block, and what happened to each submitted extrinsic. */
export interface Produced {
  block: BlockRecord;
  changes: ChangeSet;
  outcomes: ApplyOutcome[];
}

/** How many pruned blocks' hashes are remembered (hash → number), for a clear error. */
const PRUNED_REMEMBERED = 4096;

/** Emits 'block' (Produced) after each block. */
export class Chain extends EventEmitter {
  private readonly blocks = new Map<number, BlockRecord>();
  private readonly byHash = new Map<Hex, BlockRecord>();
  private readonly pruned = new Map<Hex, number>();
  private genesis: BlockRecord | null = null;
  private last: BlockRecord | null = null;
  /** The oldest block whose state is held (0 until something is pruned). */
  private first = 0;

  constructor(
    readonly runtime: DevnetRuntime,
    readonly state: StateStore,
    private readonly hooks: BlockHooks,
    /** The blocks held, head included; null holds every block (archive). */
    readonly keepBlocks: number | null = null,
  ) {
    super();
  }

  /** The latest block (the genesis before any other). */
  get head(): BlockRecord {
    if (this.last === null) throw new RangeError('the chain has no genesis block yet');
    return this.last;
  }

  /** The genesis block's hash. */
  get genesisHash(): Hex {
    return (this.genesis as BlockRecord).hash;
  }

  /** The oldest block whose header and state are held: 0 for an archive, head − keepBlocks + 1 once pruning started. */
  get oldestKept(): number {
    return this.first;
  }

  /** Block by number, or undefined (not produced yet, or pruned: see isPruned). The genesis block is always there. */
  blockAt(number: number): BlockRecord | undefined {
    return number === 0 ? this.genesis ?? undefined : this.blocks.get(number);
  }

  /** Block by hash, or undefined. */
  blockByHash(hash: Hex): BlockRecord | undefined {
    return this.byHash.get(hash.toLowerCase() as Hex);
  }

  /** Whether block `number` was produced and its state has been pruned (the genesis block's record stays). */
  isPruned(number: number): boolean {
    return number < this.first;
  }

  /** The number of a pruned block by its hash, when it is among the last PRUNED_REMEMBERED pruned; else undefined. */
  prunedNumber(hash: Hex): number | undefined {
    return this.pruned.get(hash.toLowerCase() as Hex);
  }

  /**
   * Produces the next block: hooks first, then each extrinsic in order, then the header over the committed state.
   * With no block yet, this is the genesis: `genesis` writes the initial storage and no extrinsic may be given.
   */
  produce(extrinsics: Hex[], timestamp: number = Date.now(), genesis?: (ctx: BlockContext) => void): Produced {
    const number = this.last === null ? 0 : this.last.number + 1;
    const parentHash = number === 0 ? (`0x${'00'.repeat(32)}` as Hex) : this.head.hash;
    const ctx: BlockContext = { number, parentHash, timestamp, state: this.state };
    const outcomes: ApplyOutcome[] = [];
    const included: Hex[] = [];
    if (number === 0) {
      if (extrinsics.length > 0) throw new RangeError('the genesis block holds no extrinsics');
      genesis?.(ctx);
    } else {
      this.hooks.onInitialize(ctx);
      for (const xt of extrinsics) {
        const outcome = this.hooks.applyExtrinsic(ctx, xt, included.length);
        outcomes.push(outcome);
        if (outcome.included) included.push(xt);
      }
    }
    this.hooks.onFinalize(ctx, included);
    const changes = this.state.commit(number);
    const header: HeaderJson = {
      parentHash,
      number: `0x${number.toString(16)}`,
      stateRoot: stateRoot(number === 0 ? null : this.head.header.stateRoot, changes),
      extrinsicsRoot: blake2AsHex(u8aConcat(...included.map((x) => hexToU8a(x)))) as Hex,
      digest: { logs: [] },
    };
    const hash = this.runtime.registry.createType('Header', header).hash.toHex() as Hex;
    const block: BlockRecord = { number, hash, header, extrinsics: included, timestamp };
    if (number === 0) this.genesis = block;
    this.blocks.set(number, block);
    this.byHash.set(hash, block);
    this.last = block;
    this.prune();
    const produced: Produced = { block, changes, outcomes };
    this.emit('block', produced);
    return produced;
  }

  /** Drops the blocks older than the last keepBlocks, and (in steps, as it costs a pass over every key) their state. */
  private prune(): void {
    if (this.keepBlocks === null) return;
    const first = this.head.number - this.keepBlocks + 1;
    if (first <= this.first) return;
    for (let n = this.first; n < first; n++) {
      const b = this.blocks.get(n);
      if (b === undefined) continue;
      this.blocks.delete(n);
      if (n !== 0) this.byHash.delete(b.hash);
      this.pruned.set(b.hash, n);
      if (this.pruned.size > PRUNED_REMEMBERED) this.pruned.delete(this.pruned.keys().next().value as Hex);
    }
    this.first = first;
    // The state may keep more than asked: versions older than `first` are unreachable (reads check isPruned).
    if (first - this.state.oldest >= Math.max(16, this.keepBlocks >> 3)) this.state.prune(first);
  }
}

/**
 * A state root that changes whenever the state does: the hash of the parent's root and this block's changes in key
 * order. It is not a trie root (no client here verifies proofs), but it is deterministic.
 */
function stateRoot(parent: Hex | null, changes: ChangeSet): Hex {
  const parts: Uint8Array[] = [hexToU8a(parent ?? '0x')];
  for (const key of [...changes.keys()].sort()) {
    parts.push(hexToU8a(key), hexToU8a(changes.get(key) ?? '0x'));
  }
  return blake2AsHex(u8aConcat(...parts)) as Hex;
}
