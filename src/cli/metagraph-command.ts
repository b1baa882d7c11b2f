import { Command } from 'commander';
import { InvalidOptionError } from '../errors/index.js';
import type { Metagraph } from '../chain/index.js';
import { toJsonText, withChain, writeResultAndExit } from './chain-options.js';
import { flagOption, parseChainTarget } from './options.js';
import type { ChainTarget } from './options.js';
import { epochArraysJson } from './epoch-arrays-json.js';
import { renderTable } from './table.js';

/*
 * `yumaval metagraph`: one subnet's metagraph synced from storage at the head or at a past block. By default a table
 * for people; `--json` the Metagraph (bigints as decimal strings); `--epoch-input` the EpochInput of the epoch that
 * runs on that state (the next block), which `yumaval epoch --input -` accepts, so any block can be replayed.
 */

/** What the command prints. */
export type MetagraphOutput = 'table' | 'json' | 'epoch-input';

/** The command's options, checked. */
export interface MetagraphCliOptions extends ChainTarget {
  output: MetagraphOutput;
  pretty: boolean;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseMetagraphOptions(raw: { chain?: unknown; netuid?: unknown; at?: unknown; json?: unknown; epochInput?: unknown; pretty?: unknown }): MetagraphCliOptions {
  const target = parseChainTarget(raw);
  if (raw.json === true && raw.epochInput === true) throw new InvalidOptionError('--json', 'cannot be combined with --epoch-input (choose one output)');
  const output: MetagraphOutput = raw.json === true ? 'json' : raw.epochInput === true ? 'epoch-input' : 'table';
  return { ...target, output, pretty: flagOption(raw.pretty) };
}

const RAO_PER_TAO = 1_000_000_000n;

/** Rao as TAO with 4 decimals (truncated), without going through floats. */
export function formatTao(rao: bigint): string {
  const whole = rao / RAO_PER_TAO;
  const frac = ((rao % RAO_PER_TAO) / 100_000n).toString().padStart(4, '0');
  return `${whole}.${frac}`;
}

/** A u16 proportion as a fraction of 1 with 4 decimals. */
const share = (v: number): string => (v / 65535).toFixed(4);

/** A hotkey shortened for a terminal: the first and last six characters. */
const shortKey = (k: string): string => (k.length > 14 ? `${k.slice(0, 6)}…${k.slice(-6)}` : k);

/** The human-readable view of a metagraph. */
export function metagraphTable(m: Metagraph): string {
  const rows = Array.from({ length: m.n }, (_, uid) => [
    uid,
    shortKey(m.hotkeys[uid] ?? ''),
    formatTao(m.stake[uid] ?? 0n),
    m.validatorPermit[uid] === true ? 'yes' : '',
    share(m.incentive[uid] ?? 0),
    share(m.dividends[uid] ?? 0),
    m.lastUpdate[uid] ?? 0,
  ]);
  const table = renderTable(
    [{ header: 'uid' }, { header: 'hotkey', align: 'left' }, { header: 'stake (TAO)' }, { header: 'permit', align: 'left' }, { header: 'incentive' }, { header: 'dividends' }, { header: 'last update' }],
    rows,
  );
  const title = `subnet ${m.netuid} at block ${m.block} (${m.blockHash}): ${m.n} neurons, tempo ${m.hyperparams.tempo}`;
  return `${title}\n${table}`;
}

/** Runs the command with checked options; returns what goes to stdout. */
export async function runMetagraphCommand(o: MetagraphCliOptions): Promise<string> {
  const { syncMetagraph, metagraphToEpochArrays } = await import('../chain/index.js');
  const m = await withChain(o.chain, (conn) => syncMetagraph(conn, o.netuid, o.at === null ? {} : { at: o.at }));
  if (o.output === 'json') return toJsonText(m, o.pretty);
  // The typed-array form, written as EpochInput JSON: the sync's CSR arrays go to the text without a pair per entry.
  if (o.output === 'epoch-input') return epochArraysJson(metagraphToEpochArrays(m), o.pretty);
  return metagraphTable(m);
}

/** `yumaval metagraph`. */
export function metagraphCommand(): Command {
  return new Command('metagraph')
    .description("sync a subnet's metagraph from chain storage (at the head or at a past block)")
    .requiredOption('--chain <url>', 'ws:// or wss:// URL of a subtensor node')
    .requiredOption('--netuid <n>', 'the subnet (0..65535)')
    .option('--at <block>', 'a block number or 0x block hash (default: the best head)')
    .option('--json', 'print the Metagraph as JSON (rao and u64 values as decimal strings)')
    .option('--epoch-input', 'print the EpochInput of the epoch that runs on this state (the next block), for `yumaval epoch --input -`')
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      '\nThe default output is a table: uid, hotkey, stake in TAO, validator permit, incentive and dividends (as\n' +
        'fractions of 1), last update block. Stake is what the epoch uses (TotalHotkeyAlpha of the hotkey at spec 233).\n' +
        '--epoch-input leaves out what a spec-233 chain does not store (yuma3, alphaSigmoidSteepness, raoEmission):\n' +
        'the epoch contract defaults apply to them.\n' +
        'Exit codes: 0 done; 1 the chain could not be reached or read (one line on stderr); 2 bad options.',
    )
    .action(async (raw: Record<string, unknown>) => {
      writeResultAndExit(await runMetagraphCommand(parseMetagraphOptions(raw)));
    });
}
