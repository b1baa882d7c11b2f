import { Command } from 'commander';
import { existsSync } from 'node:fs';
import type { RpcServerOptions } from '../devnet/index.js';
import { InvalidInputError, InvalidOptionError, showPath } from '../errors/index.js';
import { choiceOption, integerOption, pathOption } from './options.js';
import { readJsonInput } from './read-input.js';
import { stopSignal } from './stop-signal.js';

/*
 * `yumaval devnet`: a local subtensor-like chain on 127.0.0.1 (contracts/devnet.md). Its first stdout line is exactly
 * `devnet listening on ws://127.0.0.1:PORT`, so scripts can wait for it and read the port; the dev accounts follow on
 * stdout, diagnostics go to stderr. It runs until SIGINT or SIGTERM, then closes the server (clients see code 1001)
 * and the node (the database, if any, is closed cleanly). The devnet itself is loaded only when this command runs,
 * so the other commands do not pay for @polkadot/api at start-up.
 */

/** The command's options, checked. */
export interface DevnetCliOptions {
  /** TCP port; 0 takes a free one. */
  port: number;
  /** Milliseconds between blocks; 0 produces blocks on demand only. */
  blockTimeMs: number;
  /** The subnet config file, if any. */
  config: string | null;
  /** The database file, if any. */
  db: string | null;
  /** Blocks held in memory and served: a count, 'all', or null for the default (4096, or all with --db). */
  keepBlocks: number | 'all' | null;
  /** The JSON-RPC server's limits and allow-lists given on the command line (the rest keep RPC_SERVER_DEFAULTS). */
  rpc: Partial<RpcServerOptions>;
  /** The served runtime: 233 (commit-reveal v2), 343 or 424 (timelocked commits, pallet Drand). */
  spec: number;
}

/** Substrate's usual RPC port, subtensor's block time, and the runtime devnet has served longest (spec 233). */
export const DEVNET_CLI_DEFAULTS: Readonly<DevnetCliOptions> = Object.freeze({
  port: 9944,
  blockTimeMs: 12_000,
  config: null,
  db: null,
  keepBlocks: null,
  rpc: Object.freeze({}),
  spec: 233,
});

/** The runtimes devnet serves (src/devnet/runtime.ts DEVNET_SPECS; kept here so parsing loads no devnet code). */
const DEVNET_SPEC_CHOICES: readonly string[] = ['233', '343', '424'];

/*
 * devnet's DEFAULT_KEEP_BLOCKS and MIN_KEEP_BLOCKS (src/devnet/node-options.ts), copied for the same reason: the
 * command is built and its flags parsed at every start-up of the CLI, and the devnet's index loads @polkadot/types
 * (about +0.5 s and +35 MB for every command). test/cli/devnet-cli.test.ts checks that the copies agree.
 */
/** Blocks kept in memory without --db when --keep-blocks is not given. */
export const DEFAULT_KEEP_BLOCKS = 4096;
/** The fewest blocks --keep-blocks accepts. */
export const MIN_KEEP_BLOCKS = 16;

/** The raw command-line options (strings as commander gives them). */
export interface DevnetRawOptions {
  port?: unknown;
  blockTime?: unknown;
  config?: unknown;
  db?: unknown;
  keepBlocks?: unknown;
  spec?: unknown;
  rpcMaxConnections?: unknown;
  rpcMaxRequestSize?: unknown;
  rpcMaxResponseSize?: unknown;
  rpcMaxBatchRequestLen?: unknown;
  rpcMaxBuffered?: unknown;
  rpcMaxBufferedTotal?: unknown;
  rpcRequestTimeout?: unknown;
  rpcAllowOrigin?: unknown;
  rpcAllowHost?: unknown;
}

const MIB = 1024 * 1024;

/** The server limits settable from the command line: flag, option key, unit (MiB flags are turned into bytes), max. */
const RPC_LIMIT_FLAGS: ReadonlyArray<{ raw: keyof DevnetRawOptions; flag: string; key: keyof RpcServerOptions; mib: boolean; max: number }> = [
  { raw: 'rpcMaxConnections', flag: '--rpc-max-connections', key: 'maxConnections', mib: false, max: 100_000 },
  { raw: 'rpcMaxRequestSize', flag: '--rpc-max-request-size', key: 'maxFrameBytes', mib: true, max: 1024 },
  { raw: 'rpcMaxResponseSize', flag: '--rpc-max-response-size', key: 'maxReplyBytes', mib: true, max: 1024 },
  { raw: 'rpcMaxBatchRequestLen', flag: '--rpc-max-batch-request-len', key: 'maxBatchRequests', mib: false, max: 10_000_000 },
  { raw: 'rpcMaxBuffered', flag: '--rpc-max-buffered', key: 'maxBufferedBytes', mib: true, max: 4096 },
  { raw: 'rpcMaxBufferedTotal', flag: '--rpc-max-buffered-total', key: 'maxTotalBufferedBytes', mib: true, max: 65_536 },
  { raw: 'rpcRequestTimeout', flag: '--rpc-request-timeout', key: 'requestTimeoutMs', mib: false, max: 3_600_000 },
];

/** The longest block time accepted: one day. */
const MAX_BLOCK_TIME_MS = 86_400_000;

/** Where the command writes, and what stops it (signals in the CLI, a promise in tests). */
export interface DevnetIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the devnet should stop. */
  stopped: Promise<unknown>;
}

/** The standard Substrate dev accounts, listed when the config names none. */
const STANDARD_DEV_URIS = ['//Alice', '//Bob', '//Charlie', '//Dave', '//Eve', '//Ferdie'];

/** A comma-separated list of origins or host names (`*` for any). */
function listOption(name: string, raw: unknown): string[] {
  const items = String(raw).split(',').map((x) => x.trim()).filter((x) => x !== '');
  if (items.length === 0 || items.some((x) => /\s/.test(x))) throw new InvalidOptionError(name, 'expected a comma-separated list without spaces inside names (or "*")');
  return items;
}

/**
 * Checks the command line's raw options key by key and merges them with DEVNET_CLI_DEFAULTS.
 * @throws InvalidOptionError naming the option
 */
export function parseDevnetOptions(raw: DevnetRawOptions): DevnetCliOptions {
  const out: DevnetCliOptions = { ...DEVNET_CLI_DEFAULTS, rpc: {} };
  if (raw.spec !== undefined) out.spec = Number(choiceOption('--spec', String(raw.spec), DEVNET_SPEC_CHOICES));
  if (raw.port !== undefined) out.port = integerOption('--port', raw.port, 0, 65535);
  if (raw.blockTime !== undefined) out.blockTimeMs = integerOption('--block-time', raw.blockTime, 0, MAX_BLOCK_TIME_MS);
  out.config = pathOption('--config', raw.config);
  out.db = pathOption('--db', raw.db);
  if (raw.keepBlocks !== undefined) {
    if (String(raw.keepBlocks) === 'all') out.keepBlocks = 'all';
    else {
      const n = integerOption('--keep-blocks', raw.keepBlocks, 0, 1_000_000_000);
      if (n < MIN_KEEP_BLOCKS) throw new InvalidOptionError('--keep-blocks', `expected "all" or an integer of at least ${MIN_KEEP_BLOCKS}, got ${JSON.stringify(String(raw.keepBlocks))}`);
      out.keepBlocks = n;
    }
  }
  const rpc: Record<string, unknown> = {};
  for (const { raw: field, flag, key, mib, max } of RPC_LIMIT_FLAGS) {
    if (raw[field] === undefined) continue;
    const n = integerOption(flag, raw[field], 1, max);
    rpc[key] = mib ? n * MIB : n;
  }
  if (raw.rpcAllowOrigin !== undefined) rpc.allowedOrigins = listOption('--rpc-allow-origin', raw.rpcAllowOrigin);
  if (raw.rpcAllowHost !== undefined) rpc.allowedHosts = listOption('--rpc-allow-host', raw.rpcAllowHost);
  out.rpc = rpc as Partial<RpcServerOptions>;
  return out;
}

/**
 * Checks that the server limits fit one another (e.g. --rpc-max-buffered at least --rpc-max-response-size), naming
 * the flags. The check is the devnet's own resolver, so it runs when the command runs (runDevnet, before anything
 * starts), not in parseDevnetOptions, which loads no devnet code.
 * @throws InvalidOptionError naming the flag
 */
function checkRpcLimits(rpc: Partial<RpcServerOptions>, resolve: (partial: unknown) => unknown): void {
  try {
    resolve(rpc);
  } catch (err) {
    const m = err instanceof InvalidOptionError ? /^option (\S+): (.*)$/s.exec(err.message) : null;
    const flag = RPC_LIMIT_FLAGS.find((f) => f.key === m?.[1])?.flag;
    if (m === null || flag === undefined) throw err;
    throw new InvalidOptionError(flag, m[2]!.replace(/maxReplyBytes/, '--rpc-max-response-size').replace(/maxBufferedBytes/, '--rpc-max-buffered'));
  }
}



/** The dev accounts as printed: the config's dev URIs when it names some, else the standard ones. */
async function devAccountLines(devAccounts: unknown): Promise<string[]> {
  let accounts: Array<{ uri: string; address: string }> = [];
  if (Array.isArray(devAccounts)) {
    accounts = devAccounts.filter((a): a is { uri: string; address: string } => typeof a?.uri === 'string' && typeof a?.address === 'string');
  }
  let title = 'dev accounts (from the config):';
  if (accounts.length === 0) {
    const { Keyring } = await import('@polkadot/keyring');
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    accounts = STANDARD_DEV_URIS.map((uri) => ({ uri, address: keyring.addFromUri(uri).address }));
    title = 'dev accounts:';
  }
  const width = Math.max(...accounts.map((a) => a.uri.length));
  return [title, ...accounts.map((a) => `  ${a.uri.padEnd(width)}  ${a.address}`)];
}

/** SIGINT / SIGTERM as a promise; a second signal during shutdown exits at once. */
function processIo(): DevnetIo {
  const stopped = stopSignal();
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stopped,
  };
}

/**
 * Runs a devnet until `io.stopped` resolves: the node (createDevnet), then the JSON-RPC server, then the start-up line
 * and the dev accounts, then blocks.
 * @throws InvalidOptionError for a taken port or server limits that do not fit one another; InvalidInputError /
 *   InvalidJsonError / FileReadError for the config
 */
export async function runDevnet(options: DevnetCliOptions, io: DevnetIo = processIo()): Promise<void> {
  // Loading the module reads no runtime: the spec is selected below, before the first load (createDevnet).
  const { createDevnet, resolveRpcServerOptions, selectDevnetSpec, startRpcServer } = await import('../devnet/index.js');
  checkRpcLimits(options.rpc, resolveRpcServerOptions);
  // A resumed database needs no config; a new chain without one starts with no subnets.
  const resuming = options.db !== null && existsSync(options.db);
  const config = options.config !== null ? await readJsonInput(options.config) : resuming ? null : { subnets: [] };
  const log = (line: string): void => io.stderr(`${line}\n`);
  selectDevnetSpec(options.spec);
  let node: Awaited<ReturnType<typeof createDevnet>>;
  try {
    const keepBlocks = options.keepBlocks === 'all' ? { keepBlocks: null } : options.keepBlocks === null ? {} : { keepBlocks: options.keepBlocks };
    node = await createDevnet({ config, blockTimeMs: options.blockTimeMs, db: options.db, log, ...keepBlocks });
  } catch (err) {
    if (err instanceof InvalidInputError && options.config !== null) throw new InvalidInputError(options.config, err.message);
    throw err;
  }
  let server: Awaited<ReturnType<typeof startRpcServer>>;
  try {
    server = await startRpcServer(node, { ...options.rpc, port: options.port, log });
  } catch (err) {
    await node.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new InvalidOptionError('--port', `${options.port} is already in use on 127.0.0.1`);
    throw err;
  }
  io.stdout(`devnet listening on ${server.url}\n`);
  io.stdout(`${(await devAccountLines(node.devAccounts)).join('\n')}\n`);
  node.start();
  const pace = options.blockTimeMs === 0 ? 'blocks on demand (devnet_newBlock, and after each accepted extrinsic)' : `a block every ${options.blockTimeMs} ms`;
  const kept = node.chain.keepBlocks === null ? 'every block kept' : `the last ${node.chain.keepBlocks} blocks kept`;
  log(`devnet: head #${node.chain.head.number}, ${pace}${options.db !== null ? `, stored in ${showPath(options.db)}` : ''}, ${kept}; Ctrl-C stops it`);
  await io.stopped;
  await server.close();
  await node.close();
  log(`devnet: stopped at #${node.chain.head.number}`);
}

/** `yumaval devnet`: see contracts/devnet.md. */
export function devnetCommand(): Command {
  return new Command('devnet')
    .description('run a local subtensor-like chain (Substrate JSON-RPC over WebSocket on 127.0.0.1) until Ctrl-C')
    .option('-p, --port <port>', `TCP port on 127.0.0.1; 0 takes a free one (default ${DEVNET_CLI_DEFAULTS.port})`)
    .option('-b, --block-time <ms>', `milliseconds between blocks; 0 produces blocks on demand only (default ${DEVNET_CLI_DEFAULTS.blockTimeMs})`)
    .option('-c, --config <file>', 'subnet config JSON (contracts/devnet.md); without it the chain starts with no subnets')
    .option('--db <file>', 'persist the chain in this SQLite file: a new file starts from --config, an existing one resumes')
    .option('--keep-blocks <n|all>', `blocks held in memory and served, older ones pruned (default ${DEFAULT_KEEP_BLOCKS}; "all" with --db)`)
    .option('--spec <n>', 'the runtime served: 233 (default; commit-reveal v2), 343 or 424 (timelocked commits, drand; docs/timelock.md)')
    .option('--rpc-max-connections <n>', 'TCP connections at once, WebSocket and HTTP (default 100)')
    .option('--rpc-max-request-size <MiB>', 'largest request frame or HTTP body (default 15)')
    .option('--rpc-max-response-size <MiB>', 'largest reply, batches included (default 15)')
    .option('--rpc-max-batch-request-len <n>', 'requests in one JSON-RPC batch (default 1000)')
    .option('--rpc-max-buffered <MiB>', 'unsent reply bytes per connection before it is closed (default 32)')
    .option('--rpc-max-buffered-total <MiB>', 'unsent replies and incoming HTTP bodies over all connections (default 64)')
    .option('--rpc-request-timeout <ms>', 'time an HTTP request has to arrive in full (default 10000)')
    .option('--rpc-allow-origin <origins>', 'browser origins let in, comma-separated, or "*" (default: none; devnet_* is unauthenticated)')
    .option('--rpc-allow-host <names>', 'Host header names accepted besides loopback ones, comma-separated, or "*" (default: none)')
    .addHelpText('after', [
      '',
      'The first line on stdout is `devnet listening on ws://127.0.0.1:PORT`; the dev accounts follow. Logs go to stderr.',
      'devnet_* (newBlock, setStorage, ...) is unauthenticated: the devnet is for loopback, and requests from web pages',
      '(an Origin header) or under a non-loopback Host name are refused unless allowed above. docs/limits.md lists the limits.',
    ].join('\n'))
    .action(async (opts: DevnetRawOptions) => {
      await runDevnet(parseDevnetOptions(opts));
    });
}
