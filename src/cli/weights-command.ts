import { Command } from 'commander';
import { processAndEmit, validateWeightsInput } from '../scoring/index.js';
import { flagOption, pathOption, processIo } from './options.js';
import type { CommandIo } from './options.js';
import { jsonLine, readJsonInput } from './read-input.js';
import { weightsSetCommand } from './weights-set-command.js';

/** The options of `weights process`, checked. */
export interface WeightsProcessCliOptions {
  /** The request JSON file, or - for stdin. */
  input: string;
  pretty: boolean;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseWeightsProcessOptions(raw: { input?: unknown; pretty?: unknown }): WeightsProcessCliOptions {
  return { input: pathOption('--input', raw.input, 'a file, or - for stdin') ?? '-', pretty: flagOption(raw.pretty) };
}

/** Processes every request of the input and writes the answers (an object for an object, an array for an array). */
export async function runWeightsProcess(o: WeightsProcessCliOptions, io: CommandIo = processIo()): Promise<void> {
  const doc = await readJsonInput(o.input);
  // Validate every request before processing any: an array with one bad element is refused as a whole.
  const inputs = Array.isArray(doc) ? doc.map((d, i) => validateWeightsInput(d, `[${i}].`)) : [validateWeightsInput(doc)];
  const outputs = inputs.map((inp) => processAndEmit(inp));
  await io.stdout(jsonLine(Array.isArray(doc) ? outputs : outputs[0], o.pretty));
}

/** `yumaval weights process`: the SDK's process_weights_for_netuid + u16 conversion (contracts/weights-and-scores.md). */
function processCommand(): Command {
  return new Command('process')
    .description('turn float scores into the u16 uids and values a validator would set on-chain, exactly as the Python SDK does')
    .requiredOption('-i, --input <file>', 'JSON request (an object, or an array of them), or - for stdin')
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      '\nA request is { "uids": [...], "weights": [...], "n": N, "minAllowedWeights": M,\n' +
        '               "maxWeightLimit": 1, "excludeQuantile": 0 }:\n' +
        '  uids               distinct integers in 0..n-1, any order\n' +
        '  weights            one finite number per uid (read as float32, as the SDK does; zero and negative = no weight)\n' +
        '  n                  neurons in the subnet (integer >= 1)\n' +
        '  minAllowedWeights  the subnet\'s MinAllowedWeights (integer >= 0)\n' +
        '  maxWeightLimit     MaxWeightsLimit / 65535, in (0, 1] (default 1)\n' +
        '  excludeQuantile    the SDK\'s exclude_quantile / 65535, in [0, 1] (default 0)\n' +
        'The answer is { "uids": [...], "values": [...] }: process_weights (float32, numpy-exact) then\n' +
        'convert_weights_and_uids_for_emit (max-upscaled to 65535, half-to-even, zeros dropped), in the SDK\'s order.\n' +
        'An object in gives an object out; an array in gives an array out, in the same order.\n' +
        'Invalid input exits 2 with one line on stderr naming the place, e.g. [2].weights[5], and nothing on stdout.\n' +
        'The dtype decisions are in docs/weights.md.',
    )
    .action(async (raw: Record<string, unknown>) => {
      await runWeightsProcess(parseWeightsProcessOptions(raw));
    });
}

/** `yumaval weights`: weight processing as the Python SDK does it before set_weights. */
export function weightsCommand(): Command {
  return new Command('weights')
    .description('validator weight processing, bit for bit with the Python SDK (process_weights, u16 conversion)')
    .addCommand(processCommand().exitOverride())
    .addCommand(weightsSetCommand().exitOverride());
}
