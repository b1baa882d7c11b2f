import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { FileReadError } from '../errors/index.js';
import { genesisOption, netuidOption } from './options.js';

/*
 * `yumaval archive export|import`: the replay archive as JSON Lines, one snapshot per line (docs/replay.md). Export
 * streams the archive to stdout; import validates every line first (each error names the line and the field, as
 * `yumaval epoch` names them) and stores nothing unless all lines are valid, then inserts them, skipping snapshots the
 * archive already has.
 */

async function readText(source: string): Promise<string> {
  if (source === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(source, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError(source, code === 'ENOENT' ? 'no such file' : String(code ?? e));
  }
}

/** Writes a chunk to stdout, waiting when the pipe is full. */
function write(text: string): Promise<void> {
  return new Promise((resolve) => { if (process.stdout.write(text)) resolve(); else process.stdout.once('drain', resolve); });
}

/** `yumaval archive`. */
export function archiveCommand(): Command {
  const cmd = new Command('archive').description('export or import a replay archive as JSON Lines (one snapshot per line)');
  cmd.addCommand(new Command('export')
    .description('write every snapshot of an archive as JSON Lines on stdout')
    .argument('<file>', 'the SQLite archive')
    .option('--netuid <n>', 'only this subnet')
    .option('--genesis <hash>', 'only this chain')
    .addHelpText('after', '\nEach line: { genesis, netuid, block, input: EpochInput, output: stored results or null, hotkeys, coldkeys, axons?, unread? }.\n`input` is the contract\'s EpochInput, so `yumaval epoch` reads it. See docs/replay.md.')
    .action(async (file: string, raw: Record<string, unknown>) => {
      const netuid = raw['netuid'] === undefined ? null : netuidOption(raw['netuid']);
      const genesis = genesisOption(raw['genesis']);
      if (!existsSync(file)) throw new FileReadError(file, 'no such archive');
      const { Archive, snapshotLine } = await import('../replay/index.js');
      const archive = Archive.open(file);
      try {
        const filter: { genesis?: string; netuid?: number } = {};
        if (genesis !== null) filter.genesis = genesis;
        if (netuid !== null) filter.netuid = netuid;
        for (const { genesis: g, snapshot } of archive.iterate(filter)) await write(`${snapshotLine(g, snapshot)}\n`);
      } finally {
        archive.close();
      }
    })
    .exitOverride());
  cmd.addCommand(new Command('import')
    .description('read JSON Lines snapshots into an archive (every line validated first)')
    .argument('<file>', 'the JSON Lines file, or - for stdin')
    .requiredOption('--archive <file>', 'the SQLite archive to add to (created when absent)')
    .option('--genesis <hash>', 'the chain of lines that name none (default "unknown")')
    .addHelpText('after', '\nA bad line exits 2 with one line naming it and the field (`line 3: input.stake[2]: ...`); nothing is imported then.\nPrints { "lines", "imported", "skipped" } (skipped: already in the archive).')
    .action(async (file: string, raw: Record<string, unknown>) => {
      const genesis = genesisOption(raw['genesis']);
      const { Archive, parseSnapshotLine, UNKNOWN_GENESIS } = await import('../replay/index.js');
      const text = await readText(file);
      const parsed = text.split('\n').flatMap((line, i) => (line.trim() === '' ? [] : [parseSnapshotLine(line, i + 1, genesis ?? UNKNOWN_GENESIS)]));
      const archive = Archive.open(String(raw['archive']));
      let imported = 0;
      try {
        imported = archive.putMany(parsed);
      } finally {
        archive.close();
      }
      process.stdout.write(`${JSON.stringify({ lines: parsed.length, imported, skipped: parsed.length - imported })}\n`);
    })
    .exitOverride());
  return cmd;
}
