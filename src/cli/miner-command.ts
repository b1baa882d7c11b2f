import { Command } from 'commander';
import { InvalidInputError, InvalidOptionError, showValue } from '../errors/index.js';
import type { KeySource } from '../keys/index.js';
import { KEY_ENV_HELP, parseKeyOptions } from './key-option.js';
import { readJsonInput } from './read-input.js';
import { stopSignal } from './stop-signal.js';

/*
 * `yumaval miner`: a reference axon serving the SDK template's Dummy synapse and the built-in task's synapse with one
 * miner profile (src/task profiles). Without --chain every hotkey may call; with --chain and --netuid only the
 * hotkeys registered on the subnet (re-read every --refresh seconds), as the template miner's blacklist does. The first
 * stdout line is `miner listening on http://HOST:PORT` (or, with --json, one JSON object), so scripts can wait for it.
 * Runs until SIGINT or SIGTERM; the counters of what it answered go to stderr (stdout with --json) at the end.
 */

/** Profile names as the task module defines them (checked again there); kept here so --help needs no import. */
const PROFILES = ['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'copier', 'sybil', 'slow', 'error500', 'malformed', 'nan', 'oversized', 'wrong-shape'];
const COPYABLE = ['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'sybil'];

/** The command's options, checked. */
export interface MinerCliOptions {
  port: number;
  host: string;
  key: KeySource;
  dev: boolean;
  profile: string;
  chain: string | null;
  netuid: number | null;
  refreshSeconds: number;
  json: boolean;
  /** A file of NextTokenTaskOptions (the validator's: same source, same k), or null for the defaults. */
  task: string | null;
  sourceSeed: number | null;
  seed: number | null;
  member: number | null;
  copyOf: string | null;
  delayMs: number | null;
  oversizedBytes: number | null;
  nanMode: 'literal' | 'null' | null;
  maxBodyBytes: number | null;
  /** The axon's admission limits (issue 15; docs/limits.md); null keeps startAxon's default. */
  limits: MinerLimits;
}

/** The limits `yumaval miner` exposes as flags, under startAxon's option names. */
export interface MinerLimits {
  maxConnections: number | null;
  maxConnectionsPerIp: number | null;
  maxBufferedBytes: number | null;
  maxBodyValues: number | null;
  maxTimeoutSeconds: number | null;
  headersTimeoutMs: number | null;
  requestTimeoutMs: number | null;
}

/** The defaults: the SDK axon's usual port, loopback only, metagraph re-read every two minutes. */
export const MINER_CLI_DEFAULTS = Object.freeze({ port: 8091, host: '127.0.0.1', refreshSeconds: 120 });

function integerOption(name: string, raw: unknown, min: number, max: number): number {
  const text = String(raw);
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new InvalidOptionError(name, `expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Raw commander options. */
export interface RawMinerOptions {
  port?: unknown; host?: unknown; key?: unknown; keyEnv?: unknown; dev?: unknown; profile?: unknown; chain?: unknown; netuid?: unknown;
  refresh?: unknown; json?: unknown; task?: unknown; sourceSeed?: unknown; seed?: unknown; member?: unknown;
  copyOf?: unknown; delayMs?: unknown; oversizedBytes?: unknown; nanMode?: unknown; maxBodyBytes?: unknown;
  maxConnections?: unknown; maxConnectionsPerIp?: unknown; maxBufferedBytes?: unknown; maxBodyValues?: unknown; maxTimeout?: unknown;
  headersTimeoutMs?: unknown; requestTimeoutMs?: unknown;
}

/**
 * Checks the command line's raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseMinerOptions(raw: RawMinerOptions): MinerCliOptions {
  const { key, dev } = parseKeyOptions(raw, 'miner');
  if (typeof raw.profile !== 'string' || !PROFILES.includes(raw.profile)) {
    throw new InvalidOptionError('--profile', `expected one of ${PROFILES.join(', ')}, got ${JSON.stringify(raw.profile ?? null)}`);
  }
  let chain: string | null = null;
  let netuid: number | null = null;
  if (raw.chain !== undefined || raw.netuid !== undefined) {
    if (typeof raw.chain !== 'string' || !/^wss?:\/\/[^\s]+$/.test(raw.chain)) throw new InvalidOptionError('--chain', `expected a ws:// or wss:// URL (with --netuid), got ${raw.chain === undefined ? 'nothing' : showValue(raw.chain)}`);
    if (raw.netuid === undefined) throw new InvalidOptionError('--netuid', 'is required with --chain');
    chain = raw.chain;
    netuid = integerOption('--netuid', raw.netuid, 0, 65535);
  }
  if (raw.host !== undefined && (typeof raw.host !== 'string' || raw.host === '')) throw new InvalidOptionError('--host', 'expected an address to listen on');
  if (raw.copyOf !== undefined && !COPYABLE.includes(String(raw.copyOf))) throw new InvalidOptionError('--copy-of', `expected one of ${COPYABLE.join(', ')}, got ${JSON.stringify(raw.copyOf)}`);
  if (raw.nanMode !== undefined && raw.nanMode !== 'literal' && raw.nanMode !== 'null') throw new InvalidOptionError('--nan-mode', `expected literal or null, got ${JSON.stringify(raw.nanMode)}`);
  if (raw.task !== undefined && (typeof raw.task !== 'string' || raw.task === '')) throw new InvalidOptionError('--task', 'expected a JSON file of task options');
  const opt = (name: string, v: unknown, min: number, max: number): number | null => (v === undefined ? null : integerOption(name, v, min, max));
  return {
    port: opt('--port', raw.port, 0, 65535) ?? MINER_CLI_DEFAULTS.port,
    host: (raw.host as string | undefined) ?? MINER_CLI_DEFAULTS.host,
    key,
    dev,
    profile: raw.profile,
    chain,
    netuid,
    refreshSeconds: opt('--refresh', raw.refresh, 5, 86_400) ?? MINER_CLI_DEFAULTS.refreshSeconds,
    json: raw.json === true,
    task: (raw.task as string | undefined) ?? null,
    sourceSeed: opt('--source-seed', raw.sourceSeed, 0, 2 ** 32 - 1),
    seed: opt('--seed', raw.seed, 0, Number.MAX_SAFE_INTEGER),
    member: opt('--member', raw.member, 0, 2 ** 31 - 1),
    copyOf: (raw.copyOf as string | undefined) ?? null,
    delayMs: opt('--delay-ms', raw.delayMs, 0, 3_600_000),
    oversizedBytes: opt('--oversized-bytes', raw.oversizedBytes, 1, 2 ** 40),
    nanMode: (raw.nanMode as 'literal' | 'null' | undefined) ?? null,
    maxBodyBytes: opt('--max-body-bytes', raw.maxBodyBytes, 1024, 1 << 30),
    limits: {
      maxConnections: opt('--max-connections', raw.maxConnections, 1, 1_000_000),
      maxConnectionsPerIp: opt('--max-connections-per-ip', raw.maxConnectionsPerIp, 1, 1_000_000),
      maxBufferedBytes: opt('--max-buffered-bytes', raw.maxBufferedBytes, 1024, 2 ** 36),
      maxBodyValues: opt('--max-body-values', raw.maxBodyValues, 1, 100_000_000),
      maxTimeoutSeconds: opt('--max-timeout', raw.maxTimeout, 0, 3600),
      headersTimeoutMs: opt('--headers-timeout-ms', raw.headersTimeoutMs, 100, 86_400_000),
      requestTimeoutMs: opt('--request-timeout-ms', raw.requestTimeoutMs, 100, 86_400_000),
    },
  };
}

/** Where the command writes, and what stops it (signals in the CLI, a promise in tests). */
export interface MinerIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves when the miner should stop. */
  stopped: Promise<unknown>;
  /** Called once the axon listens, with its port (tests use it; the CLI does not need it). */
  onListening?(port: number): void;
}

function processIo(): MinerIo {
  const stopped = stopSignal();
  return { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), stopped };
}

/** The task options: the file's, with --source-seed over its source seed. */
async function taskOptions(o: MinerCliOptions): Promise<Record<string, unknown>> {
  let t: Record<string, unknown> = {};
  if (o.task !== null) {
    const v = await readJsonInput(o.task);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InvalidInputError(o.task, 'expected an object of task options (source, contextLength, k)');
    t = v as Record<string, unknown>;
  }
  if (o.sourceSeed !== null) t = { ...t, source: { ...((t.source as Record<string, unknown> | undefined) ?? {}), seed: o.sourceSeed } };
  return t;
}

/**
 * Runs a miner until `io.stopped` resolves.
 * @throws KeyError for the key; InvalidOptionError for a taken port or bad profile options; chain errors for --chain
 */
export async function runMiner(o: MinerCliOptions, io: MinerIo = processIo()): Promise<void> {
  const { loadKey } = await import('../keys/index.js');
  const { startAxon, dummyHandler, AxonListenError } = await import('../miner/index.js');
  const { DUMMY_SPEC } = await import('../dendrite/protocol/index.js');
  const task = await import('../task/index.js');
  const key = await loadKey(o.key, { dev: o.dev });
  const tOpts = await taskOptions(o);
  const nextToken = task.createNextTokenTask(tOpts);
  const profileOptions = Object.fromEntries(Object.entries({
    task: tOpts, seed: o.seed, member: o.member, copyOf: o.copyOf, delayMs: o.delayMs, oversizedBytes: o.oversizedBytes, nanMode: o.nanMode,
  }).filter(([, v]) => v !== null)) as Parameters<typeof task.profileHandler>[1];
  const profile = task.profileHandler(o.profile, profileOptions);
  const spec = nextToken.synapse;
  const log = (line: string): void => io.stderr(`${line}\n`);

  let conn: Awaited<ReturnType<typeof import('../chain/index.js')['ChainConnection']['open']>> | null = null;
  let allowed: Set<string> | null = null;
  const readAllowed = async (): Promise<Set<string>> => {
    const { syncMetagraph } = await import('../chain/index.js');
    const m = await syncMetagraph(conn!, o.netuid!);
    return new Set(m.hotkeys.filter((h) => h !== ''));
  };
  if (o.chain !== null) {
    const { ChainConnection } = await import('../chain/index.js');
    conn = await ChainConnection.open({ url: o.chain, log });
    try {
      allowed = await readAllowed();
    } catch (e) {
      await conn.close().catch(() => undefined);
      throw e;
    }
  }
  let axon: Awaited<ReturnType<typeof startAxon>>;
  try {
    axon = await startAxon({
      key, port: o.port, host: o.host, allowedHotkeys: allowed, log,
      ...(o.maxBodyBytes !== null ? { maxBodyBytes: o.maxBodyBytes } : {}),
      ...Object.fromEntries(Object.entries(o.limits ?? {}).filter(([, v]) => v !== null)),
      synapses: [
        { spec: DUMMY_SPEC, handler: dummyHandler },
        // A profile is a pure function of the request's fields; its actions are the axon's handler results.
        { spec, handler: (req) => profile(req.fields) },
      ],
    });
  } catch (e) {
    await conn?.close().catch(() => undefined);
    if (e instanceof AxonListenError) throw new InvalidOptionError('--port', e.message);
    // Limits that contradict each other (--max-buffered-bytes below --max-body-bytes): an input error naming the flag.
    const clash = e instanceof InvalidOptionError ? /^option (maxBufferedBytes|headersTimeoutMs): (.*)$/s.exec(e.message) : null;
    if (clash !== null) throw new InvalidOptionError(clash[1] === 'maxBufferedBytes' ? '--max-buffered-bytes' : '--headers-timeout-ms', clash[2]!);
    throw e;
  }
  let timer: NodeJS.Timeout | null = null;
  if (conn !== null) {
    let refreshing = false;
    timer = setInterval(() => {
      // A slow chain must not pile reads up: a refresh starts only when the previous one is over.
      if (refreshing) return;
      refreshing = true;
      readAllowed().then((s) => {
        allowed = s;
        axon.setAllowedHotkeys(s);
      }, (e: unknown) => log(`miner: metagraph refresh failed, keeping the previous ${allowed?.size ?? 0} hotkeys: ${(e as Error).message}`))
        .finally(() => { refreshing = false; });
    }, o.refreshSeconds * 1000);
    timer.unref();
  }
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${axon.port}`;
  const blacklist = o.chain === null ? 'none (every hotkey may call)' : `hotkeys registered on netuid ${o.netuid} (${allowed?.size ?? 0} now, re-read every ${o.refreshSeconds} s)`;
  const synapses = [DUMMY_SPEC.name, spec.name];
  if (o.json) io.stdout(`${JSON.stringify({ listening: url, port: axon.port, hotkey: key.address, profile: o.profile, synapses, blacklist })}\n`);
  else {
    io.stdout(`miner listening on ${url}\n`);
    log(`miner: hotkey ${key.address}, profile ${o.profile}, synapses ${synapses.join(', ')}; blacklist: ${blacklist}; Ctrl-C stops it`);
  }
  io.onListening?.(axon.port);
  await io.stopped;
  if (timer !== null) clearInterval(timer);
  await axon.close();
  await conn?.close().catch(() => undefined);
  const stats = { requests: axon.stats.requests, byStatus: axon.stats.byStatus, unanswered: axon.stats.unanswered };
  if (o.json) io.stdout(`${JSON.stringify({ stopped: true, ...stats })}\n`);
  else log(`miner: stopped after ${stats.requests} requests (${Object.entries(stats.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ') || 'none answered'}; ${stats.unanswered} unanswered)`);
}

/** `yumaval miner`: a reference axon with a demo miner profile. */
export function minerCommand(): Command {
  return new Command('miner')
    .description('run a reference miner (axon) serving the Dummy synapse and the built-in task with one profile, until Ctrl-C')
    .option('--key <file>', 'the miner hotkey: a file holding a mnemonic or 0x seed (mode 600), or with --dev a dev URI (//Bob)')
    .option('--key-env <name>', KEY_ENV_HELP)
    .option('--dev', 'accept a dev URI as --key (anyone knows its secret: local networks only)')
    .option('--profile <name>', `how the miner answers the task: ${PROFILES.join(', ')}`)
    .option('-p, --port <port>', `TCP port; 0 takes a free one (default ${MINER_CLI_DEFAULTS.port})`)
    .option('--host <address>', `address to listen on (default ${MINER_CLI_DEFAULTS.host}; 0.0.0.0 to serve other hosts)`)
    .option('--chain <url>', 'ws:// or wss:// node: only hotkeys registered on --netuid may call (the template blacklist)')
    .option('--netuid <n>', 'the subnet whose registered hotkeys may call (with --chain)')
    .option('--refresh <seconds>', `how often the registered hotkeys are re-read (default ${MINER_CLI_DEFAULTS.refreshSeconds})`)
    .option('--task <file>', 'JSON task options {source, contextLength, k}: the validator\'s, or the oracles know nothing')
    .option('--source-seed <n>', 'the Markov source seed (overrides the --task file\'s source.seed)')
    .option('--seed <n>', 'the miner\'s own randomness (noise, sybil)')
    .option('--member <n>', 'sybil: this miner\'s index in its group')
    .option('--copy-of <name>', `copier: the profile whose answer it returns (${COPYABLE.join(', ')})`)
    .option('--delay-ms <ms>', 'slow: how long it waits before answering (default 60000)')
    .option('--oversized-bytes <n>', 'oversized: the size of the body it sends')
    .option('--nan-mode <mode>', 'nan: literal (bare NaN tokens, invalid JSON) or null')
    .option('--max-body-bytes <n>', 'largest request body accepted (default 1048576); larger ones get 413')
    .option('--max-body-values <n>', 'most JSON values in a request body (default 16384); more get 413')
    .option('--max-buffered-bytes <n>', 'request body bytes held at once over all requests (default 33554432); past it 503')
    .option('--max-connections <n>', 'TCP connections open at once (default 2048); more are closed on accept')
    .option('--max-connections-per-ip <n>', 'TCP connections open at once from one IP address (default: no cap)')
    .option('--max-timeout <seconds>', 'largest timeout header accepted (default 120): it widens the nonce window')
    .option('--headers-timeout-ms <ms>', 'time a client has to send its headers (default 10000)')
    .option('--request-timeout-ms <ms>', 'time a client has to send its whole request (default 30000); stalled uploads are cut')
    .option('--json', 'print the start line and the final counters as JSON objects on stdout')
    .addHelpText('after', [
      '',
      'Requests are checked as the bittensor SDK 10.2 axon checks them: route (404), headers (500), blacklist (403),',
      'signature and nonce window (401), queue (408/503), body hash (500). Unsigned requests are refused (401).',
      'No body is read before the signature is checked; docs/limits.md lists every limit and its default.',
      'The first stdout line is `miner listening on http://HOST:PORT` (with --json, a JSON object). Logs go to stderr.',
      'Exit codes: 0 after Ctrl-C, 2 for a bad option, 1 otherwise (an unusable key, a chain that cannot be read).',
    ].join('\n'))
    .action(async (opts: RawMinerOptions) => {
      await runMiner(parseMinerOptions(opts));
    });
}
