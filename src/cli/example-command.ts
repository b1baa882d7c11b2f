import { Command, Option } from 'commander';
import { runExample } from '../yuma/index.js';
import type { EpochMode } from '../yuma/index.js';
import { EPOCH_MODES } from './epoch-command.js';
import { choiceOption, flagOption, integerOption, processIo } from './options.js';
import type { CommandIo } from './options.js';
import { jsonLine } from './read-input.js';
import { renderTable } from './table.js';

const pct = (u16: number): string => `${((u16 / 65535) * 100).toFixed(2)}%`;
const tao = (rao: string): string => (Number(BigInt(rao)) / 1e9).toFixed(4);

/** The command's options, checked. */
export interface ExampleCliOptions {
  epochs: number;
  mode: EpochMode;
  json: boolean;
}

/** The defaults: six epochs show the copier falling behind; the exact engine. */
export const EXAMPLE_CLI_DEFAULTS: Readonly<ExampleCliOptions> = Object.freeze({ epochs: 6, mode: 'exact', json: false });

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseExampleOptions(raw: { epochs?: unknown; mode?: unknown; json?: unknown }): ExampleCliOptions {
  return {
    epochs: raw.epochs === undefined ? EXAMPLE_CLI_DEFAULTS.epochs : integerOption('--epochs', raw.epochs, 1, 1000),
    mode: choiceOption('--mode', raw.mode ?? EXAMPLE_CLI_DEFAULTS.mode, EPOCH_MODES),
    json: flagOption(raw.json),
  };
}

/** Runs the built-in subnet and writes the tables (or, with json, every epoch's input and output). */
export async function runExampleCommand(opts: ExampleCliOptions, io: CommandIo = processIo()): Promise<void> {
  const { subnet, epochs: runs } = runExample(opts.epochs, opts.mode);
  if (opts.json) {
    await io.stdout(jsonLine(runs.map((r) => ({ epoch: r.epoch, input: r.input, output: r.output }))));
    return;
  }
  const last = runs[runs.length - 1]!;
  const o = last.output;
  const lines: string[] = [];
  lines.push(`yumaval example: ${subnet.input.n} uids, ${subnet.roles.length} validators, Yuma3 with liquid alpha, ${opts.mode} engine`);
  lines.push(`Dividends per epoch (share of the validators' emission):`);
  lines.push(
    renderTable(
      [{ header: 'uid' }, { header: 'role', align: 'left' }, ...runs.map((r) => ({ header: `e${r.epoch}` }))],
      subnet.roles.map((role, i) => [i, role, ...runs.map((r) => pct(r.output.dividends[i] ?? 0))]),
    ),
  );
  lines.push('');
  lines.push(`Validators after epoch ${last.epoch}:`);
  lines.push(
    renderTable(
      [{ header: 'uid' }, { header: 'role', align: 'left' }, { header: 'stake TAO' }, { header: 'permit' }, { header: 'active' }, { header: 'vtrust' }, { header: 'dividends' }, { header: 'emission (alpha)' }],
      subnet.roles.map((role, i) => [i, role, tao(String(subnet.input.stake[i])), o.validatorPermit[i] ? 'yes' : 'no', o.active[i] ? 'yes' : 'no', pct(o.validatorTrust[i] ?? 0), pct(o.dividends[i] ?? 0), tao(o.emission[i] ?? '0')]),
    ),
  );
  lines.push('');
  const miners = subnet.quality.map((q, j) => ({ q, j })).filter((m) => m.j >= subnet.roles.length).sort((a, b) => (o.incentive[b.j] ?? 0) - (o.incentive[a.j] ?? 0)).slice(0, 10);
  lines.push(`Top 10 miners by incentive after epoch ${last.epoch}:`);
  lines.push(
    renderTable(
      [{ header: 'uid' }, { header: 'quality' }, { header: 'consensus' }, { header: 'incentive' }, { header: 'emission (alpha)' }],
      miners.map(({ q, j }) => [j, q.toFixed(3), pct(o.consensus[j] ?? 0), pct(o.incentive[j] ?? 0), tao(o.emission[j] ?? '0')]),
    ),
  );
  const ms = runs.map((r) => r.millis);
  lines.push('');
  lines.push(`Engine time per epoch: ${ms.map((m) => m.toFixed(2)).join(', ')} ms (the first includes loading the wasm).`);
  await io.stdout(`${lines.join('\n')}\n`);
}

/** `yumaval example`: the built-in subnet run for a few epochs, printed as tables (the `npm start` job). */
export function exampleCommand(): Command {
  return new Command('example')
    .description('run the built-in 48-uid subnet (honest, copier, inactive and uniform validators) for a few epochs and print the results')
    .option('-e, --epochs <n>', 'number of epochs to run (1..1000)', String(EXAMPLE_CLI_DEFAULTS.epochs))
    .addOption(new Option('-m, --mode <mode>', 'engine mode').choices(EPOCH_MODES).default(EXAMPLE_CLI_DEFAULTS.mode))
    .option('--json', 'print every epoch input and output as JSON on stdout instead of tables')
    .action(async (raw: Record<string, unknown>) => {
      await runExampleCommand(parseExampleOptions(raw));
    });
}
