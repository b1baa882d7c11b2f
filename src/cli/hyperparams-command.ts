import { Command } from 'commander';
import type { Hyperparams } from '../chain/index.js';
import { toJsonText, withChain, writeResultAndExit } from './chain-options.js';
import { flagOption, parseChainTarget } from './options.js';
import type { ChainTarget } from './options.js';
import { renderTable } from './table.js';

/*
 * `yumaval hyperparams`: a subnet's hyperparameters from chain storage. A table by default (each value with whether
 * it was read or is a default because the runtime has no storage item for it); `--json` the Hyperparams object with
 * u64 values as decimal strings.
 */

/** The command's options, checked. */
export interface HyperparamsCliOptions extends ChainTarget {
  json: boolean;
  pretty: boolean;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseHyperparamsOptions(raw: { chain?: unknown; netuid?: unknown; at?: unknown; json?: unknown; pretty?: unknown }): HyperparamsCliOptions {
  return { ...parseChainTarget(raw), json: flagOption(raw.json), pretty: flagOption(raw.pretty) };
}

/** The human-readable view of hyperparameters. */
export function hyperparamsTable(h: Hyperparams): string {
  const rows = Object.entries(h)
    .filter(([k]) => k !== 'netuid' && k !== 'defaulted')
    .map(([k, v]) => [k, String(v), h.defaulted.includes(k) ? 'default (not in this runtime)' : 'storage']);
  return `subnet ${h.netuid}\n${renderTable([{ header: 'hyperparameter', align: 'left' }, { header: 'value' }, { header: 'source', align: 'left' }], rows)}`;
}

/** Runs the command with checked options; returns what goes to stdout. */
export async function runHyperparamsCommand(o: HyperparamsCliOptions): Promise<string> {
  const { readHyperparams } = await import('../chain/index.js');
  const h = await withChain(o.chain, (conn) => readHyperparams(conn, o.netuid, o.at ?? undefined));
  return o.json ? toJsonText(h, o.pretty) : hyperparamsTable(h);
}

/** `yumaval hyperparams`. */
export function hyperparamsCommand(): Command {
  return new Command('hyperparams')
    .description("read a subnet's hyperparameters from chain storage")
    .requiredOption('--chain <url>', 'ws:// or wss:// URL of a subtensor node')
    .requiredOption('--netuid <n>', 'the subnet (0..65535)')
    .option('--at <block>', 'a block number or 0x block hash (default: the best head)')
    .option('--json', 'print the Hyperparams as JSON (u64 values as decimal strings)')
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      '\nItems the runtime has no storage item for take documented defaults and are listed in "defaulted"\n' +
        '(at spec 233: yuma3). A subnet that does not exist is refused.\n' +
        'Exit codes: 0 done; 1 the chain could not be reached or read, or no such subnet (one line on stderr); 2 bad options.',
    )
    .action(async (raw: Record<string, unknown>) => {
      writeResultAndExit(await runHyperparamsCommand(parseHyperparamsOptions(raw)));
    });
}
