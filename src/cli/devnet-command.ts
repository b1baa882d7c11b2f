import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { InvalidInputError, InvalidOptionError, showPath } from '../errors/index.js';
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
  /** The served runtime: 233 (commit-reveal v2), 343 or 424 (timelocked commits, pallet Drand). */
  spec: number;
}

/** Substrate's usual RPC port, subtensor's block time, and the runtime devnet has served longest (spec 233). */
export const DEVNET_CLI_DEFAULTS: Readonly<DevnetCliOptions> = Object.freeze({ port: 9944, blockTimeMs: 12_000, config: null, db: null, spec: 233 });

/** The runtimes devnet serves (src/devnet/runtime.ts DEVNET_SPECS; kept here so parsing loads no devnet code). */
const DEVNET_SPEC_CHOICES: readonly string[] = ['233', '343', '424'];

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

function integerOption(name: string, raw: unknown, max: number): number {
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) > max) throw new InvalidOptionError(name, `expected an integer from 0 to ${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/**
 * Checks the command line's raw options key by key and merges them with DEVNET_CLI_DEFAULTS.
 * @throws InvalidOptionError naming the option
 */
export function parseDevnetOptions(raw: { port?: unknown; blockTime?: unknown; config?: unknown; db?: unknown; spec?: unknown }): DevnetCliOptions {
  const out: DevnetCliOptions = { ...DEVNET_CLI_DEFAULTS };
  if (raw.spec !== undefined) {
    const text = String(raw.spec);
    if (!DEVNET_SPEC_CHOICES.includes(text)) throw new InvalidOptionError('--spec', `expected one of ${DEVNET_SPEC_CHOICES.join(', ')}, got ${JSON.stringify(text.slice(0, 20))}`);
    out.spec = Number(text);
  }
  if (raw.port !== undefined) out.port = integerOption('--port', raw.port, 65535);
  if (raw.blockTime !== undefined) out.blockTimeMs = integerOption('--block-time', raw.blockTime, MAX_BLOCK_TIME_MS);
  for (const key of ['config', 'db'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v === '') throw new InvalidOptionError(`--${key}`, 'expected a file path');
    out[key] = v;
  }
  return out;
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
 * @throws InvalidOptionError for a taken port; InvalidInputError / InvalidJsonError / FileReadError for the config
 */
export async function runDevnet(options: DevnetCliOptions, io: DevnetIo = processIo()): Promise<void> {
  // A resumed database needs no config; a new chain without one starts with no subnets.
  const resuming = options.db !== null && existsSync(options.db);
  const config = options.config !== null ? await readJsonInput(options.config) : resuming ? null : { subnets: [] };
  const log = (line: string): void => io.stderr(`${line}\n`);
  const { selectDevnetSpec } = await import('../devnet/runtime.js');
  selectDevnetSpec(options.spec);
  const { createDevnet } = await import('../devnet/node.js');
  const { startRpcServer } = await import('../devnet/rpc/index.js');
  let node: Awaited<ReturnType<typeof createDevnet>>;
  try {
    node = await createDevnet({ config, blockTimeMs: options.blockTimeMs, db: options.db, log });
  } catch (err) {
    if (err instanceof InvalidInputError && options.config !== null) throw new InvalidInputError(options.config, err.message);
    throw err;
  }
  let server: Awaited<ReturnType<typeof startRpcServer>>;
  try {
    server = await startRpcServer(node, { port: options.port, log });
  } catch (err) {
    await node.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new InvalidOptionError('--port', `${options.port} is already in use on 127.0.0.1`);
    throw err;
  }
  io.stdout(`devnet listening on ${server.url}\n`);
  io.stdout(`${(await devAccountLines(node.devAccounts)).join('\n')}\n`);
  node.start();
  const pace = options.blockTimeMs === 0 ? 'blocks on demand (devnet_newBlock, and after each accepted extrinsic)' : `a block every ${options.blockTimeMs} ms`;
  log(`devnet: head #${node.chain.head.number}, ${pace}${options.db !== null ? `, stored in ${showPath(options.db)}` : ''}; Ctrl-C stops it`);
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
    .option('--spec <n>', 'the runtime served: 233 (default; commit-reveal v2), 343 or 424 (timelocked commits, drand; docs/timelock.md)')
    .addHelpText('after', '\nThe first line on stdout is `devnet listening on ws://127.0.0.1:PORT`; the dev accounts follow. Logs go to stderr.')
    .action(async (opts: { port?: string; blockTime?: string; config?: string; db?: string; spec?: string }) => {
      await runDevnet(parseDevnetOptions(opts));
    });
}
