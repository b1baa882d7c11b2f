import { Command, Option } from 'commander';
import { prepareNormalized, runEpoch, validateEpochInput } from '../yuma/index.js';
import type { EpochMode, EpochOutput } from '../yuma/index.js';
import { MAX_INPUT_HELP, parseMaxInputOption, readJsonInput, writeJson } from './read-input.js';

/** `yumaval epoch`: one Yuma epoch (or an array of them) from EpochInput JSON, as contracts/epoch-io.md specifies. */
export function epochCommand(): Command {
  return new Command('epoch')
    .description('run one Yuma consensus epoch from an EpochInput JSON object (or an array of them)')
    .requiredOption('-i, --input <file>', 'EpochInput JSON file, or - for stdin')
    .addOption(new Option('-m, --mode <mode>', 'exact reproduces the chain bit for bit; f64 is the fast float variant').choices(['exact', 'f64']).default('exact'))
    .option('--pretty', 'indent the JSON output')
    .option('--max-input-mb <n>', MAX_INPUT_HELP)
    .addHelpText(
      'after',
      '\nAn object in gives an object out; an array in gives an array out, in the same order.\n' +
        'Invalid input exits 2 with one line on stderr naming the field and index, and prints nothing on stdout.\n' +
        'Unknown fields are refused (naming the nearest valid one). u64 numbers above 2^53 are read exactly.',
    )
    .action(async (opts: { input: string; mode: EpochMode; pretty?: boolean; maxInputMb?: string }) => {
      const doc = await readJsonInput(opts.input, { maxInputMib: parseMaxInputOption(opts.maxInputMb), exactIntegers: true });
      // Validate everything before running anything: an array with one bad element is refused as a whole.
      const inputs = Array.isArray(doc) ? doc.map((d, i) => validateEpochInput(d, `[${i}].`)) : [validateEpochInput(doc)];
      // Spreading reads every lazy field while the run's result is still in the engine's heap (no recomputation).
      const outputs: EpochOutput[] = inputs.map((inp) => ({ ...runEpoch(prepareNormalized(inp), { mode: opts.mode }) }));
      writeJson(Array.isArray(doc) ? outputs : outputs[0], opts.pretty === true);
    });
}
