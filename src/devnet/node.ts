import { blake2AsHex, cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { InvalidInputError, RuntimeDataError } from '../errors/index.js';
import { Chain, type ApplyOutcome, type BlockContext, type BlockHooks, type Produced } from './chain.js';
import type { RuntimeModule } from './dispatch.js';
import { checkExtrinsic, type CheckedTx, type TransactionValidator } from './extrinsic/check.js';
import { TxPool, type PoolEntry } from './extrinsic/pool.js';
import { alreadyImported, INVALID_TRANSACTION, temporarilyBanned } from './extrinsic/rejections.js';
import type { ChainInfo, DevnetNode, TxStatus } from './node-types.js';
import { DevnetDb } from './persist/devnet-db.js';
import { loadRuntime, type DevnetRuntime } from './runtime.js';
import { StateStore } from './state-store.js';
import { StorageCodec, type Hex } from './storage-codec.js';
import { accountNonce } from './system/account.js';
import { SystemHooks } from './system/block-hooks.js';
import { storagePairs } from './system/storage-pairs.js';
import { systemModule } from './system/system-module.js';
import { subtensorWiring, type AdminMethod, type GenesisWriter } from './system/runtime-wiring.js';
import { resolveOptions, type DevnetOptions } from './node-options.js';

/*
 * The devnet node: a chain of final blocks over a state store, the transaction pool in front of it, the runtime's
 * block logic (src/devnet/system) over the pallet modules, a block timer, the devnet_ admin methods and, with `db`,
 * persistence. Everything runs on the event loop's thread and every block is produced synchronously, so a block never
 * interleaves with a submission. Watchers hear their statuses asynchronously (setImmediate, in order), so a JSON-RPC
 * server can answer the subscription request before the first notification.
 */

export type { AdminMethod, AdminContext, GenesisWriter } from './system/runtime-wiring.js';
export { DEFAULT_KEEP_BLOCKS, DEVNET_DEFAULTS, MIN_KEEP_BLOCKS } from './node-options.js';
export type { DevnetOptions } from './node-options.js';

/** How long an included or dropped transaction is refused as "temporarily banned" (Substrate: 30 minutes). */
const BAN_MS = 30 * 60 * 1000;
/** At most this many banned hashes are remembered. */
const BAN_CAP = 65_536;
/** Blocks one newBlock call may produce. */
const MAX_NEW_BLOCKS = 100_000;
/**
 * How long newBlock produces blocks before it lets the event loop run (other clients, timers): a call for 100 000
 * blocks once held it for 21.8 s.
 */
const NEW_BLOCK_SLICE_MS = 10;

/** newBlock's count: a positive integer up to MAX_NEW_BLOCKS, also as named parameters ({ "count": 3 }). */
function newBlockCount(count: unknown): number {
  if (typeof count === 'object' && count !== null && 'count' in count) count = (count as { count: unknown }).count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > MAX_NEW_BLOCKS) {
    throw new InvalidInputError('count', `expected an integer from 1 to ${MAX_NEW_BLOCKS}, got ${String(count)}`);
  }
  return count;
}

/** A running devnet: the node the RPC server serves, plus its life cycle. */
export class Devnet implements DevnetNode {
  readonly runtime: DevnetRuntime;
  readonly chain: Chain;
  readonly state: StateStore;
  readonly storage: StorageCodec;
  readonly info: ChainInfo = {
    chainName: 'Yumaval Devnet',
    nodeName: 'yumaval devnet',
    nodeVersion: '0.1.0',
    properties: { ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' },
  };
  /** Whatever the genesis reported about its dev accounts (the subtensor genesis's `devAccounts`), for the CLI. */
  devAccounts: unknown = null;

  private readonly pool: TxPool;
  private readonly hooks: SystemHooks;
  private readonly banned = new Map<Hex, number>();
  private building = new Map<Hex, CheckedTx>();
  private readonly admins: Map<string, AdminMethod>;
  private timer: NodeJS.Timeout | null = null;
  private onDemandScheduled = false;
  private closed = false;
  db: DevnetDb | null = null;

  /** Use `createDevnet`. */
  constructor(
    private readonly options: Required<DevnetOptions>,
    modules: RuntimeModule[],
    private readonly validators: TransactionValidator[],
    admin: Record<string, AdminMethod>,
  ) {
    this.runtime = loadRuntime();
    this.state = new StateStore();
    this.storage = new StorageCodec(this.runtime);
    this.pool = new TxPool({ ready: options.poolReady, future: options.poolFuture });
    this.hooks = new SystemHooks({
      runtime: this.runtime,
      storage: this.storage,
      modules: [systemModule(), ...modules],
      lookup: (xt) => this.building.get(xt),
      validators,
      log: options.log,
    });
    this.delegate = this.hooks;
    const delegating: BlockHooks = {
      onInitialize: (ctx) => this.delegate.onInitialize(ctx),
      applyExtrinsic: (ctx, xt, index) => this.delegate.applyExtrinsic(ctx, xt, index),
      onFinalize: (ctx, included) => this.delegate.onFinalize(ctx, included),
    };
    this.chain = new Chain(this.runtime, this.state, delegating, options.keepBlocks);
    this.admins = new Map<string, AdminMethod>([
      ['newBlock', (_ctx, params) => this.newBlock(params[0] === undefined ? 1 : params[0])],
      ['setStorage', (ctx, params) => this.setStorage(ctx, params)],
      ...Object.entries(admin),
      ...Object.entries(options.admin),
    ]);
  }

  /** The hooks blocks run through: the system hooks, or a replay of stored blocks while resuming. */
  private delegate: BlockHooks;

  /** Produces the genesis block (writing the initial storage) or replays the stored chain. */
  init(genesis: GenesisWriter | null): void {
    if (this.db !== null && !this.db.isNew) {
      this.replay(this.db);
    } else {
      this.chain.produce([], Date.now(), (ctx) => genesis?.(ctx, this.storage));
    }
    if (this.db !== null) {
      const db = this.db;
      this.chain.on('block', (produced: Produced) => db.save(produced));
      if (db.isNew) db.save({ block: this.chain.head, changes: this.state.changesAt(0), outcomes: [] });
    }
  }

  private replay(db: DevnetDb): void {
    for (const stored of db.blocks()) {
      const changes = stored.changes;
      this.delegate = {
        onInitialize: () => undefined,
        applyExtrinsic: (): ApplyOutcome => ({ included: true, success: true }),
        onFinalize: (ctx) => { for (const [key, value] of changes) ctx.state.set(key, value); },
      };
      const { block } = this.chain.produce(stored.block.number === 0 ? [] : stored.block.extrinsics, stored.block.timestamp);
      if (block.hash !== stored.block.hash) {
        throw new RuntimeDataError(`${db.file}: block ${block.number} rebuilds with hash ${block.hash}, stored ${stored.block.hash}`);
      }
    }
    this.delegate = this.hooks;
    if (this.state.head < 0) throw new RuntimeDataError(`${db.file}: no genesis block`);
  }

  /** Begins the block timer (blockTimeMs > 0); with blockTimeMs 0 blocks come on demand only. */
  start(): void {
    if (this.closed || this.timer !== null || this.options.blockTimeMs === 0) return;
    const tick = (): void => {
      this.produceBlock();
      this.timer = setTimeout(tick, this.options.blockTimeMs);
    };
    this.timer = setTimeout(tick, this.options.blockTimeMs);
  }

  /** Stops the timer, drops pending transactions and closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (const entry of this.pool.all()) this.pool.drop(entry, { dropped: 'the devnet stopped' });
    this.db?.close();
  }

  submit(xt: Hex, watch?: (status: TxStatus) => void): Hex {
    // The pool knows a transaction by the hash of its bytes before validating it (sc-transaction-pool check_is_known).
    if (typeof xt === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(xt)) {
      const known = blake2AsHex(hexToU8a(xt), 256) as Hex;
      if (this.pool.get(known) !== undefined) throw alreadyImported(known);
      if (this.isBanned(known)) throw temporarilyBanned();
    }
    const head = this.chain.head;
    const tx = checkExtrinsic({
      runtime: this.runtime,
      storage: this.storage,
      state: this.state,
      head: { number: head.number, hash: head.hash },
      genesisHash: this.chain.genesisHash,
      validators: this.validators,
    }, xt, watch !== undefined);
    const deferred = watch === undefined ? undefined : (status: TxStatus) => { setImmediate(() => watch(status)); };
    const entry = this.pool.import(tx, accountNonce(this.storage, this.state, tx.signer), deferred);
    deferred?.(entry.state);
    if (entry.state === 'ready' && this.options.blockTimeMs === 0) this.scheduleOnDemand();
    return tx.hash;
  }

  private isBanned(hash: Hex): boolean {
    const until = this.banned.get(hash);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.banned.delete(hash);
    return false;
  }

  private ban(hash: Hex): void {
    if (this.banned.size >= BAN_CAP) {
      const oldest = this.banned.keys().next();
      if (oldest.done !== true) this.banned.delete(oldest.value);
    }
    this.banned.set(hash, Date.now() + BAN_MS);
  }

  /**
   * One block right after each accepted extrinsic (blockTimeMs 0; contracts/devnet.md), each holding one extrinsic, so
   * the head moves by one per accepted extrinsic. The blocks are produced after this turn of the event loop, once the
   * submission has been answered.
   */
  private scheduleOnDemand(): void {
    if (this.onDemandScheduled || this.closed) return;
    this.onDemandScheduled = true;
    setImmediate(() => {
      this.onDemandScheduled = false;
      // One block per ready extrinsic, including those a gap-filling nonce promoted from the future queue.
      while (!this.closed && this.pool.ready().length > 0) this.produceBlock(1);
    });
  }

  accountNextIndex(address: string): number {
    let signer: Hex;
    try {
      signer = u8aToHex(decodeAddress(address)) as Hex;
    } catch (e) {
      throw new InvalidInputError('address', `not an SS58 address or hex public key: ${(e as Error).message}`);
    }
    return this.pool.nextIndex(signer, accountNonce(this.storage, this.state, signer));
  }

  /** The admin methods `admin` accepts (listed by rpc_methods with the devnet_ prefix). */
  adminMethods(): readonly string[] {
    return [...this.admins.keys()].sort();
  }

  pending(): Hex[] {
    return this.pool.all().map((e) => e.tx.hex);
  }

  admin(method: string, params: unknown[]): unknown {
    const fn = this.admins.get(method);
    if (fn === undefined) throw new RangeError(`unknown devnet admin method: ${method}`);
    if (!Array.isArray(params)) throw new InvalidInputError('params', 'expected an array');
    const head = this.chain.head;
    const block: BlockContext = { number: head.number + 1, parentHash: head.hash, timestamp: Date.now(), state: this.state };
    const result = fn({ runtime: this.runtime, storage: this.storage, state: this.state, chain: this.chain, block }, params);
    // Writes made outside a block become visible with a block of their own, produced right away.
    if (this.state.pendingChanges().size > 0) this.produceBlock();
    return result;
  }

  /** Produces `count` blocks now, holding the event loop until they are done; answers the new head's number. */
  newBlock(count: unknown = 1): number {
    const n = newBlockCount(count);
    for (let i = 0; i < n; i++) this.produceBlock();
    return this.chain.head.number;
  }

  /**
   * devnet_newBlock: produces `count` blocks and answers the new head's number, in slices of NEW_BLOCK_SLICE_MS with the
   * event loop free in between, so other clients are served meanwhile (their blocks may interleave; every block is
   * still whole). It stops early when the devnet closes.
   */
  async newBlockYielding(count: unknown = 1): Promise<number> {
    const n = newBlockCount(count);
    let sliceStart = performance.now();
    for (let i = 0; i < n && !this.closed; i++) {
      this.produceBlock();
      if (i + 1 < n && performance.now() - sliceStart >= NEW_BLOCK_SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    return this.chain.head.number;
  }

  private setStorage(ctx: { state: StateStore }, params: unknown[]): Hex {
    for (const [key, value] of storagePairs(params)) ctx.state.set(key, value);
    this.produceBlock();
    return this.chain.head.hash;
  }

  /** Builds the next block from the ready transactions and tells their watchers what happened. */
  private produceBlock(limit: number = this.options.maxBlockExtrinsics): void {
    // A closed devnet's database is closed too: no block may follow.
    if (this.closed) return;
    const prev = this.chain.head.timestamp;
    // Timestamps strictly increase, whatever the wall clock does.
    const timestamp = Math.max(Date.now(), prev + 1);
    const entries = this.takeReady(limit);
    const inherents = this.hooks.inherentsFor(timestamp);
    this.building = new Map(entries.map((e) => [e.tx.hex, e.tx]));
    let produced: Produced;
    try {
      produced = this.chain.produce([...inherents, ...entries.map((e) => e.tx.hex)], timestamp);
    } finally {
      this.building = new Map();
    }
    const hash = produced.block.hash;
    entries.forEach((entry, i) => {
      const outcome = produced.outcomes[i + inherents.length];
      if (outcome === undefined) return;
      if (outcome.included) {
        this.pool.drop(entry);
        this.ban(entry.tx.hash);
        entry.watch?.({ inBlock: hash });
        entry.watch?.({ finalized: hash });
      } else if (outcome.reason !== INVALID_TRANSACTION.Future) {
        this.pool.drop(entry, { invalid: outcome.reason });
        this.ban(entry.tx.hash);
      }
    });
    this.pool.prune((signer) => accountNonce(this.storage, this.state, signer));
  }

  /** The ready transactions that fit one block (count and the Normal class's length limit). */
  private takeReady(limit: number): PoolEntry[] {
    const c = this.runtime.decorated.consts.system?.blockLength as unknown as { max: { normal: { toNumber(): number } } } | undefined;
    let room = c?.max.normal.toNumber() ?? Infinity;
    const out: PoolEntry[] = [];
    for (const entry of this.pool.ready()) {
      if (out.length >= limit) break;
      if (entry.tx.length > room) break;
      room -= entry.tx.length;
      out.push(entry);
    }
    return out;
  }
}

/**
 * Creates a devnet: loads the runtime, opens or creates the database, writes the genesis (or resumes the stored
 * chain) and returns the node with its timer stopped (call `start()`).
 * @throws InvalidOptionError for bad options; FileWriteError / RuntimeDataError for an unusable database
 */
export async function createDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const o = resolveOptions(options);
  await cryptoWaitReady();
  const runtime = loadRuntime();
  const wiring = o.modules === null || o.genesis === null ? subtensorWiring() : null;
  const validators = o.validators ?? (o.modules === null ? wiring?.validators : undefined) ?? [];
  const node = new Devnet(o, o.modules ?? wiring?.modules ?? [], validators, wiring?.admin ?? {});
  try {
    if (o.db !== null) {
      node.db = DevnetDb.open(o.db, runtime.version.specVersion);
      if (!node.db.isNew && o.config !== null) {
        o.log(`devnet: resuming ${o.db}; the config given is ignored (a new database file starts from a config)`);
      }
    }
    let genesis = o.genesis;
    if (node.db === null || node.db.isNew) {
      if (genesis === null && wiring !== null) {
        const g = wiring.genesisFor(o.config);
        genesis = g.write;
        node.devAccounts = g.devAccounts;
      }
    }
    node.init(genesis);
  } catch (e) {
    node.db?.close();
    throw e;
  }
  return node;
}
