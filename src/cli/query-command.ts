import { Command } from 'commander';
import { InvalidOptionError, showValue } from '../errors/index.js';
import type { KeySource } from '../keys/index.js';
import { toJsonText, withChain } from './chain-options.js';
import { ALLOW_PRIVATE_HELP, choiceOption, flagOption, integerOption, KEY_ENV_HELP, optionalInteger, parseChainTarget, parseKeyOptions } from './options.js';
import { renderTable } from './table.js';

/*
 * `yumaval query`: one signed query from this hotkey to a set of axons, as a validator's step sends it, with the
 * outcome of every axon. The axons are given on the command line (`HOTKEY@IP:PORT`) or read from a subnet's
 * metagraph. It answers an operator's first questions about miners: which ones answer, how fast, and why the others do
 * not (refused by the address policy, timeouts, blacklists, bad signatures). The dendrite never throws for a miner,
 * so the exit code is 0 whenever the query ran, whatever the miners did.
 */

/** The synapses this command can send. */
const SYNAPSES = ['dummy', 'next-token'] as const;
type SynapseName = (typeof SYNAPSES)[number];

/** The command's options, checked. */
export interface QueryCliOptions {
  key: KeySource;
  dev: boolean;
  /** Axons given on the command line, or null when they come from --chain. */
  axons: Array<{ hotkey: string; ip: string; port: number }> | null;
  chain: string | null;
  netuid: number | null;
  synapse: SynapseName;
  /** The Dummy synapse's input. */
  dummyInput: number;
  /** The validator's seed and step for the next-token query. */
  seed: number;
  step: number;
  timeout: number;
  allowPrivate: boolean;
  workers: number | null;
  json: boolean;
}

/** The defaults: the SDK's 12 s timeout, public addresses only. */
export const QUERY_CLI_DEFAULTS = Object.freeze({ synapse: 'dummy' as SynapseName, dummyInput: 1, seed: 0, step: 0, timeout: 12 });

/** Raw commander options. */
export interface RawQueryOptions {
  key?: unknown; keyEnv?: unknown; dev?: unknown; axon?: unknown; chain?: unknown; netuid?: unknown; synapse?: unknown; input?: unknown;
  seed?: unknown; step?: unknown; timeout?: unknown; allowPrivate?: unknown; workers?: unknown; json?: unknown;
}

/** Parses `HOTKEY@IP:PORT` (IPv6 in brackets: `HOTKEY@[::1]:8091`). */
export function parseAxonArg(text: string): { hotkey: string; ip: string; port: number } {
  const m = /^([1-9A-HJ-NP-Za-km-z]{40,60})@(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(text);
  if (m === null) throw new InvalidOptionError('--axon', `expected HOTKEY@IP:PORT (ss58 hotkey; IPv6 as [addr]), got ${showValue(text)}`);
  const port = Number(m[4]);
  if (port < 1 || port > 65535) throw new InvalidOptionError('--axon', `port ${port} is not in 1..65535 in ${JSON.stringify(text)}`);
  return { hotkey: m[1] as string, ip: (m[2] ?? m[3]) as string, port };
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseQueryOptions(raw: RawQueryOptions): QueryCliOptions {
  const { key, dev } = parseKeyOptions(raw, 'validator');
  const axonArgs = raw.axon === undefined ? [] : (Array.isArray(raw.axon) ? raw.axon : [raw.axon]).map(String);
  let chain: string | null = null;
  let netuid: number | null = null;
  if (raw.chain !== undefined || raw.netuid !== undefined) {
    if (axonArgs.length > 0) throw new InvalidOptionError('--axon', 'give either --axon (repeatable) or --chain with --netuid, not both');
    const t = parseChainTarget({ chain: raw.chain, netuid: raw.netuid });
    chain = t.chain;
    netuid = t.netuid;
  } else if (axonArgs.length === 0) {
    throw new InvalidOptionError('--axon', 'expected at least one --axon HOTKEY@IP:PORT, or --chain WS --netuid N');
  }
  const synapse = choiceOption('--synapse', raw.synapse ?? QUERY_CLI_DEFAULTS.synapse, SYNAPSES);
  const timeoutText = String(raw.timeout ?? QUERY_CLI_DEFAULTS.timeout);
  const timeout = Number(timeoutText);
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || !(timeout > 0 && timeout <= 3600)) throw new InvalidOptionError('--timeout', `expected seconds in (0, 3600], got ${JSON.stringify(timeoutText)}`);
  return {
    key, dev, axons: chain === null ? axonArgs.map(parseAxonArg) : null, chain, netuid, synapse,
    dummyInput: raw.input === undefined ? QUERY_CLI_DEFAULTS.dummyInput : integerOption('--input', raw.input, 0, Number.MAX_SAFE_INTEGER),
    seed: raw.seed === undefined ? QUERY_CLI_DEFAULTS.seed : integerOption('--seed', raw.seed, 0, 2 ** 32 - 1),
    step: raw.step === undefined ? QUERY_CLI_DEFAULTS.step : integerOption('--step', raw.step, 0, 2 ** 32 - 1),
    timeout,
    allowPrivate: flagOption(raw.allowPrivate),
    workers: optionalInteger('--workers', raw.workers, 1, 64),
    json: flagOption(raw.json),
  };
}

/** An axon to query, with its uid when it comes from the metagraph. */
type Target = { uid?: number; hotkey: string; ip: string; port: number };

/** The subnet's served axons (uids whose axon was never served are listed as skipped). */
async function axonsFromChain(url: string, netuid: number): Promise<{ targets: Target[]; unserved: number[] }> {
  return withChain(url, async (conn) => {
    const { syncMetagraph } = await import('../chain/index.js');
    const m = await syncMetagraph(conn, netuid);
    const targets: Target[] = [];
    const unserved: number[] = [];
    m.axons.forEach((a, uid) => {
      if (a === null || a.port === 0) unserved.push(uid);
      else targets.push({ uid, hotkey: m.hotkeys[uid] as string, ip: a.ip, port: a.port });
    });
    return { targets, unserved };
  });
}

/** Where the command writes. */
export interface QueryIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs one query and prints every axon's outcome. */
export async function runQuery(o: QueryCliOptions, io: QueryIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<void> {
  const { createDendrite } = await import('../dendrite/index.js');
  const { DUMMY_SPEC } = await import('../protocol/index.js');
  const { targets, unserved } = o.axons !== null ? { targets: o.axons as Target[], unserved: [] as number[] } : await axonsFromChain(o.chain as string, o.netuid as number);
  let spec = DUMMY_SPEC;
  let input: Record<string, unknown> = { dummy_input: o.dummyInput };
  if (o.synapse === 'next-token') {
    const { createNextTokenTask } = await import('../task/index.js');
    const task = createNextTokenTask();
    spec = task.synapse;
    // The step's first query: one context for every axon, as a validator's step sends each query.
    input = { ...task.makeQueries(o.seed, o.step, 1)[0]!.fields };
  }
  if (!o.json) io.stderr(`query: ${spec.name} to ${targets.length} axons (timeout ${o.timeout} s${unserved.length > 0 ? `; ${unserved.length} uids serve no axon` : ''})\n`);
  const d = await createDendrite({ key: o.key, dev: o.dev, allowPrivate: o.allowPrivate, timeout: o.timeout, ...(o.workers !== null ? { workers: o.workers } : {}) });
  let results;
  const t0 = performance.now();
  try {
    results = await d.query(targets, spec, input, { timeout: o.timeout });
  } finally {
    await d.close();
  }
  const wallMs = performance.now() - t0;
  const byStatus: Record<string, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  if (o.json) {
    io.stdout(`${toJsonText({
      synapse: spec.name, input, hotkey: d.hotkey, timeout: o.timeout, wallMs: Math.round(wallMs), byStatus, unserved,
      results: results.map((r, i) => ({ ...(targets[i] as Target), ...r })),
    }, false)}\n`);
    return;
  }
  const rows = results.map((r, i) => {
    const t = targets[i] as Target;
    const address = t.ip.includes(':') ? `[${t.ip}]:${t.port}` : `${t.ip}:${t.port}`;
    const answer = r.fields === null ? '' : JSON.stringify(o.synapse === 'dummy' ? r.fields['dummy_output'] : r.fields['topk']).slice(0, 40);
    return [t.uid ?? i, address, t.hotkey.slice(0, 10), r.status, (r.message ?? '').slice(0, 60), r.processTime === null ? '' : r.processTime.toFixed(3), answer];
  });
  io.stdout(`${renderTable([
    { header: o.axons === null ? 'uid' : '#' }, { header: 'axon', align: 'left' }, { header: 'hotkey', align: 'left' }, { header: 'status' },
    { header: 'message', align: 'left' }, { header: 'time s' }, { header: o.synapse === 'dummy' ? 'dummy_output' : 'topk', align: 'left' },
  ], rows)}\n`);
  io.stderr(`query: ${Object.entries(byStatus).map(([s, n]) => `${s}: ${n}`).join(', ') || 'no axons'} in ${(wallMs / 1000).toFixed(2)} s\n`);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `yumaval query`: one signed query to axons, with each one's outcome. */
export function queryCommand(): Command {
  return new Command('query')
    .description('send one signed query (the Dummy synapse or a next-token task query) to axons and show each one\'s status')
    .option('--key <file>', 'the validator hotkey: a file holding a mnemonic or 0x seed (mode 600), or with --dev a dev URI (//Alice)')
    .option('--key-env <name>', KEY_ENV_HELP)
    .option('--dev', 'accept a dev URI as --key (anyone knows its secret: local networks only)')
    .option('--axon <hotkey@ip:port>', 'an axon to query (repeatable; IPv6 as HOTKEY@[addr]:port)', collect)
    .option('--chain <url>', 'ws:// or wss:// node: query every served axon of --netuid instead')
    .option('--netuid <n>', 'the subnet whose axons are queried (with --chain)')
    .option('--synapse <name>', `what to send: ${SYNAPSES.join(' or ')} (default ${QUERY_CLI_DEFAULTS.synapse})`)
    .option('--input <n>', `dummy: the dummy_input (default ${QUERY_CLI_DEFAULTS.dummyInput})`)
    .option('--seed <n>', 'next-token: the validator seed that draws the query (default 0)')
    .option('--step <n>', 'next-token: the step whose first query is sent (default 0)')
    .option('--timeout <seconds>', `the deadline of the whole query (default ${QUERY_CLI_DEFAULTS.timeout})`)
    .option('--allow-private', ALLOW_PRIVATE_HELP)
    .option('--workers <n>', 'dendrite worker threads (default: one per core)')
    .option('--json', 'print one JSON object: the input, counts by status and every axon\'s result')
    .addHelpText('after', [
      '',
      'Statuses are the SDK dendrite\'s: 200 success, 401 signature or nonce refused, 403 blacklisted, 404 unknown synapse,',
      '408 timeout, 422 unreadable answer, 500 miner error, 503 unavailable (also: an address refused by policy, or an',
      'axon whose circuit breaker is open; those are never dialed, and the message says so).',
      'Exit codes: 0 when the query ran (whatever the miners did), 2 for a bad option, 1 otherwise.',
    ].join('\n'))
    .action(async (opts: RawQueryOptions) => {
      await runQuery(parseQueryOptions(opts));
    });
}
