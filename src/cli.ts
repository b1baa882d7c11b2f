#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { createRequire } from 'node:module';
import { scrubSecrets, YumavalError } from './errors/index.js';
import { epochCommand, exampleCommand, simulateCommand } from './cli/index.js';
import { scoreCommand } from './cli/index.js';
import { weightsCommand } from './cli/index.js';
import { devnetCommand } from './cli/index.js';
import { hyperparamsCommand, metagraphCommand } from './cli/index.js';
import { minerCommand, queryCommand } from './cli/index.js';
import { tuneCommand, workerCommand } from './cli/index.js';
import { archiveCommand, replayCommand } from './cli/index.js';
import { auditCommand } from './cli/index.js';
import { validatorCommand } from './cli/index.js';
import { timelockCommand } from './cli/index.js';
import { demoCommand } from './cli/index.js';
import { exitCodeFor } from './cli/index.js';

const pkg = createRequire(import.meta.url)('../package.json') as { version: string };

/** Prints the one error line. Messages name options, not values; scrubSecrets also catches a secret quoted by a library. */
function fail(message: string, code: number): void {
  process.stderr.write(`yumaval: ${scrubSecrets(message.replace(/\s*\n\s*/g, ' '))}\n`);
  process.exitCode = code;
}

/**
 * The argument parser repeats what it refuses (`unknown option '--kye=<value>'`, `argument '<value>' is invalid`): its
 * messages go through scrubSecrets, on every command of the tree (addCommand does not pass output settings down).
 */
function scrubParserOutput(cmd: Command): void {
  cmd.configureOutput({ outputError: (text, write) => write(scrubSecrets(text, { hex: true })) });
  for (const sub of cmd.commands) scrubParserOutput(sub);
}

/** Builds the `yumaval` command tree. */
export function buildProgram(): Command {
  const program = new Command('yumaval')
    .description('Bittensor validator scoring engine: the Yuma consensus epoch, bit for bit with subtensor, in WebAssembly')
    .version(pkg.version)
    .exitOverride();
  program.addCommand(epochCommand().exitOverride());
  program.addCommand(exampleCommand().exitOverride());
  program.addCommand(simulateCommand().exitOverride());
  program.addCommand(scoreCommand().exitOverride());
  program.addCommand(weightsCommand().exitOverride());
  program.addCommand(devnetCommand().exitOverride());
  program.addCommand(metagraphCommand().exitOverride());
  program.addCommand(hyperparamsCommand().exitOverride());
  program.addCommand(minerCommand().exitOverride());
  program.addCommand(queryCommand().exitOverride());
  program.addCommand(tuneCommand().exitOverride());
  program.addCommand(workerCommand().exitOverride());
  program.addCommand(replayCommand().exitOverride());
  program.addCommand(auditCommand().exitOverride());
  program.addCommand(archiveCommand().exitOverride());
  program.addCommand(validatorCommand().exitOverride());
  program.addCommand(timelockCommand().exitOverride());
  program.addCommand(demoCommand().exitOverride());
  // Last, so that every command's parser errors are scrubbed.
  scrubParserOutput(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0 and their text already printed.
      if (err.exitCode === 0) return;
      process.exitCode = 2;
      return;
    }
    if (err instanceof YumavalError) {
      // Exit codes: 2 for input the user can fix, 1 for anything else (src/cli/exit-codes.ts classifies every code).
      fail(err.message, exitCodeFor(err.code));
      return;
    }
    fail(`internal error: ${err instanceof Error ? err.message : String(err)}`, 1);
  }
}

await main(process.argv);
