import { Command, Option } from 'commander';
import { runEpoch } from '../yuma/index.js';
import { prepareNormalized } from '../yuma/index.js';
import type { EpochMode, EpochOutput } from '../yuma/index.js';
import { validateEpochInput } from '../yuma/index.js';
import { choiceOption, flagOption, pathOption, processIo } from './options.js';
import type { CommandIo } from './options.js';
import { jsonLine, MAX_INPUT_HELP, parseMaxInputOption, readJsonInput } from './read-input.js';

/** The engine modes `epoch`, `example` and `simulate` take. */
export const EPOCH_MODES: readonly EpochMode[] = ['exact', 'f64'];

/** The command's options, checked. */
export interface EpochCliOptions {
  /** The EpochInput JSON file, or - for stdin. */
  input: string;
  mode: EpochMode;
  pretty: boolean;
  maxInputMib: number;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseEpochOptions(raw: { input?: unknown; mode?: unknown; pretty?: unknown; maxInputMb?: unknown }): EpochCliOptions {
  return {
    input: pathOption('--input', raw.input, 'a file, or - for stdin') ?? '-',
    mode: choiceOption('--mode', raw.mode ?? 'exact', EPOCH_MODES),
    pretty: flagOption(raw.pretty),
    maxInputMib: parseMaxInputOption(raw.maxInputMb),
  };
}

/** Runs the epochs of the input and writes their outputs (an object for an object, an array for an array). */
export async function runEpochCommand(o: EpochCliOptions, io: CommandIo = processIo()): Promise<void> {
  const doc = await readJsonInput(o.input, { maxInputMib: o.maxInputMib, exactIntegers: true });
  // Validate everything before running anything: an array with one bad element is refused as a whole.
  const inputs = Array.isArray(doc) ? doc.map((d, i) => validateEpochInput(d, `[${i}].`)) : [validateEpochInput(doc)];
  // Spreading reads every lazy field while the run's result is still in the engine's heap (no recomputation).
  const outputs: EpochOutput[] = inputs.map((inp) => ({ ...runEpoch(prepareNormalized(inp), { mode: o.mode }) }));
  await io.stdout(jsonLine(Array.isArray(doc) ? outputs : outputs[0], o.pretty));
}

/** `yumaval epoch`: one Yuma epoch (or an array of them) from EpochInput JSON, as contracts/epoch-io.md specifies. */
export function epochCommand(): Command {
  return new Command('epoch')
    .description('run one Yuma consensus epoch from an EpochInput JSON object (or an array of them)')
    .requiredOption('-i, --input <file>', 'EpochInput JSON file, or - for stdin')
    .addOption(new Option('-m, --mode <mode>', 'exact reproduces the chain bit for bit; f64 is the fast float variant').choices(EPOCH_MODES).default('exact'))
    .option('--pretty', 'indent the JSON output')
    .option('--max-input-mb <n>', MAX_INPUT_HELP)
    .addHelpText(
      'after',
      '\nAn object in gives an object out; an array in gives an array out, in the same order.\n' +
        'Invalid input exits 2 with one line on stderr naming the field and index, and prints nothing on stdout.\n' +
        'Unknown fields are refused (naming the nearest valid one). u64 numbers above 2^53 are read exactly.',
    )
    .action(async (raw: Record<string, unknown>) => {
      await runEpochCommand(parseEpochOptions(raw));
    });
}
