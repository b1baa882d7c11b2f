import { fn, intAtLeast, nonEmptyString, nullOr, resolveOptions as resolveWith } from '../options/index.js';
import type { Check } from '../options/index.js';
import type { RuntimeModule } from './dispatch.js';
import type { TransactionValidator } from './extrinsic/check.js';
import type { AdminMethod, GenesisWriter } from './system/runtime-wiring.js';

/*
 * The options of `createDevnet` (node.ts): frozen defaults, merged once and checked. History retention (keepBlocks)
 * defaults by whether there is a database: a devnet without one must not grow forever (issue 15: 3 KB a block), one
 * with one keeps every block as an archive node would.
 */

/** Options of `createDevnet`. */
export interface DevnetOptions {
  /** The subnet config (contracts/devnet.md), given to the default subtensor genesis. */
  config?: unknown;
  /** Milliseconds between blocks; 0 produces blocks only on demand (admin newBlock, and right after an accepted extrinsic). */
  blockTimeMs?: number;
  /** A database file to persist the chain in: created and initialised when new, resumed (config ignored) when not. */
  db?: string | null;
  /** Pallet modules; default: the subtensor module (src/devnet/subtensor). The System calls are always there. */
  modules?: RuntimeModule[] | null;
  /** Writes the genesis storage; default: the subtensor genesis from `config` when present. */
  genesis?: GenesisWriter | null;
  /** The runtime's own signed-extension checks; default: the subtensor module's when `modules` is left to its default. */
  validators?: TransactionValidator[] | null;
  /** Extra devnet_ admin methods by name (added to newBlock and setStorage, and to the subtensor ones). */
  admin?: Record<string, AdminMethod>;
  /** Pool limits: ready and future transactions (Substrate's defaults). */
  poolReady?: number;
  poolFuture?: number;
  /** Most signed extrinsics in one block. */
  maxBlockExtrinsics?: number;
  /**
   * The blocks held in memory and served, head included (at least MIN_KEEP_BLOCKS); older blocks and their state are
   * pruned. null keeps every block (archive). Default: every block with `db`, else DEFAULT_KEEP_BLOCKS. The database
   * always keeps every block (a resumed chain is rebuilt from genesis).
   */
  keepBlocks?: number | null;
  /** Where diagnostics go (default: stderr). */
  log?: (message: string) => void;
}

/** Defaults of `createDevnet`'s options. */
export const DEVNET_DEFAULTS: Readonly<Required<DevnetOptions>> = Object.freeze({
  config: null,
  blockTimeMs: 12_000,
  db: null,
  modules: null,
  genesis: null,
  validators: null,
  admin: {},
  poolReady: 8192,
  poolFuture: 512,
  maxBlockExtrinsics: 4096,
  // Without `db`; with it the default is null (every block).
  keepBlocks: 4096,
  log: (message: string) => { process.stderr.write(`${message}\n`); },
});

/** The blocks kept without `db` when keepBlocks is not given: subtensor's BlockHashCount, about 14 h of 12 s blocks. */
export const DEFAULT_KEEP_BLOCKS = 4096;
/** Fewer kept blocks would prune a block before a client reads the events of a block it was just told about. */
export const MIN_KEEP_BLOCKS = 16;

const CHECKS: Readonly<Record<keyof DevnetOptions, Check>> = {
  // The subnet config is checked by the genesis that reads it (devnet/subtensor/config.ts), naming its fields.
  config: () => null,
  blockTimeMs: intAtLeast(0),
  db: nullOr(nonEmptyString('a file path')),
  modules: (v) => (v === null || Array.isArray(v) ? null : 'expected an array of RuntimeModule'),
  genesis: (v) => (v === null || typeof v === 'function' ? null : 'expected a function'),
  validators: (v) => (v === null || Array.isArray(v) ? null : 'expected an array of functions'),
  admin: (v) => (typeof v === 'object' && v !== null ? null : 'expected an object of functions'),
  poolReady: intAtLeast(1),
  poolFuture: intAtLeast(1),
  maxBlockExtrinsics: intAtLeast(1),
  keepBlocks: (v) => (v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= MIN_KEEP_BLOCKS) ? null : `expected null (every block) or an integer of at least ${MIN_KEEP_BLOCKS}`),
  log: fn('(message: string) => void'),
};

/** Merges `options` with DEVNET_DEFAULTS and checks them (src/options). @throws InvalidOptionError naming the option */
export function resolveOptions(options: DevnetOptions): Required<DevnetOptions> {
  // keepBlocks defaults by whether there is a database (see the header).
  const keepBlocks = options.db !== null && options.db !== undefined ? null : DEFAULT_KEEP_BLOCKS;
  return resolveWith({ thing: 'a devnet option', things: 'devnet options', defaults: { ...DEVNET_DEFAULTS, keepBlocks }, checks: CHECKS }, options) as Required<DevnetOptions>;
}
