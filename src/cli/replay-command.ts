import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileReadError, FileWriteError, InvalidOptionError } from '../errors/index.js';
import type { Archive, ReplayReport, SnapshotSource } from '../replay/index.js';
import { toJsonText, withChain, writeResultAndExit } from './chain-options.js';
import { blockOption, chainOption, flagOption, genesisOption, netuidOption, pathOption } from './options.js';
import { stopSignal } from './stop-signal.js';
import { renderTable } from './table.js';

/*
 * `yumaval replay`: a subnet's epochs over a block range, re-run with the exact engine and compared bit for bit with
 * what the chain stored (src/replay). Online with --chain (and --archive to keep every snapshot read); offline with
 * --archive alone, which makes no RPC call. Ctrl-C stops between two epochs, leaving the archive whole; a rerun
 * continues the range without reading an archived epoch again.
 */

/** The command's options, checked. */
export interface ReplayCliOptions {
  chain: string | null;
  netuid: number | null;
  from: number | null;
  to: number | null;
  archive: string | null;
  genesis: string | null;
  json: boolean;
  out: string | null;
  pretty: boolean;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseReplayOptions(raw: Record<string, unknown>): ReplayCliOptions {
  const chain = raw['chain'] === undefined ? null : chainOption(String(raw['chain']));
  const archive = pathOption('--archive', raw['archive']);
  if (chain === null && archive === null) throw new InvalidOptionError('--chain', 'give --chain URL (online), --archive FILE (offline), or both');
  const netuid = raw['netuid'] === undefined ? null : netuidOption(raw['netuid']);
  if (chain !== null && netuid === null) throw new InvalidOptionError('--netuid', 'is required with --chain');
  const from = blockOption('--from', raw['from']);
  const to = blockOption('--to', raw['to']);
  if (from !== null && to !== null && from > to) throw new InvalidOptionError('--from', `the range is empty: ${from} is after --to ${to}`);
  const genesis = genesisOption(raw['genesis']);
  const out = pathOption('--out', raw['out'], 'a directory');
  return { chain, netuid, from, to, archive, genesis, json: flagOption(raw['json']), out, pretty: flagOption(raw['pretty']) };
}

/** Epochs done, left, and the time remaining, on stderr (only on a terminal). */
function progressBar(): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  const start = Date.now();
  return (done, total) => {
    const width = 30, fill = Math.round((done / Math.max(total, 1)) * width);
    const left = total - done;
    const eta = done === 0 ? '?' : `${Math.ceil(((Date.now() - start) / done) * left / 1000)} s`;
    process.stderr.write(`\rreplay [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} epochs, ${left} left, ~${eta} remaining ${done === total ? '\n' : ''}`);
  };
}

/** The subnet and chain an offline replay reads, from the archive's contents. */
function pickSubnet(archive: Archive, o: ReplayCliOptions, ArchiveContentError: typeof import('../replay/index.js').ArchiveContentError): { genesis: string; netuid: number } {
  const all = archive.subnets().filter((s) => (o.genesis === null || s.genesis === o.genesis) && (o.netuid === null || s.netuid === o.netuid));
  if (all.length === 0) throw new ArchiveContentError(`${archive.file} holds no snapshot${o.netuid === null ? '' : ` of subnet ${o.netuid}`}${o.genesis === null ? '' : ` of chain ${o.genesis}`}`);
  if (all.length > 1) {
    const list = all.map((s) => `${s.genesis} subnet ${s.netuid}`).join('; ');
    throw new InvalidOptionError(o.netuid === null ? '--netuid' : '--genesis', `${archive.file} holds several subnets (${list}); choose one`);
  }
  return { genesis: all[0]!.genesis, netuid: all[0]!.netuid };
}

/** Runs the replay with checked options. */
export async function runReplayCommand(o: ReplayCliOptions, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<ReplayReport> {
  const r = await import('../replay/index.js');
  if (o.chain === null) {
    const file = o.archive as string;
    if (!existsSync(file)) throw new FileReadError(file, 'no such archive');
    const archive = r.Archive.open(file);
    try {
      const { genesis, netuid } = pickSubnet(archive, o, r.ArchiveContentError);
      const blocks = archive.blocks(genesis, netuid);
      const from = o.from ?? 1;
      const to = o.to ?? archive.scanRange(genesis, netuid)?.to ?? blocks[blocks.length - 1] ?? from;
      return await r.replay({ netuid, from, to, source: r.archiveSource(archive, genesis), signal, onProgress });
    } finally {
      archive.close();
    }
  }
  return withChain(o.chain, async (conn) => {
    const source: SnapshotSource & { head(): Promise<number> } = r.chainSource(conn);
    const to = o.to ?? (await source.head());
    const archive = o.archive === null ? null : r.Archive.open(o.archive);
    try {
      return await r.replay({ netuid: o.netuid as number, from: o.from ?? 1, to, source, archive, signal, onProgress });
    } finally {
      archive?.close();
    }
  });
}

/** The human-readable view: one line per epoch that did not match, then the summary. */
export function replayTable(report: ReplayReport): string {
  const bad = report.epochs.filter((e) => !e.match);
  const head = `subnet ${report.netuid}, blocks ${report.from}-${report.to}: ${report.summary.matched} of ${report.summary.epochs} epochs match, field for field`;
  if (bad.length === 0) return head;
  const rows = bad.flatMap((e) => (e.fields.length === 0 ? [[e.block, '', '', '', '', '']] : e.fields.map((f) => [e.block, f.field, f.uids, f.firstUid, JSON.stringify(f.expected), JSON.stringify(f.got)])));
  const table = renderTable([{ header: 'block' }, { header: 'field', align: 'left' }, { header: 'uids' }, { header: 'first uid' }, { header: 'chain', align: 'left' }, { header: 'replay', align: 'left' }], rows);
  const diagnoses = bad.filter((e) => e.diagnosis !== null).map((e) => `block ${e.block}: ${e.diagnosis}`);
  return [head, table, ...diagnoses].join('\n');
}

/** Writes the JSON and the HTML report into a folder. */
async function writeOut(dir: string, report: ReplayReport, json: string): Promise<void> {
  const { renderReplayHtml } = await import('../replay/index.js');
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'replay.json'), `${json}\n`);
    await writeFile(join(dir, 'replay.html'), renderReplayHtml(report));
  } catch (e) {
    throw new FileWriteError(dir, (e as Error).message);
  }
}

/** `yumaval replay`. */
export function replayCommand(): Command {
  return new Command('replay')
    .description("re-run a subnet's epochs over a block range with the exact engine and diff them bit for bit against what the chain stored")
    .option('--chain <url>', 'ws:// or wss:// URL of a subtensor node (omit to replay offline from --archive)')
    .option('--netuid <n>', 'the subnet (0..65535); offline, optional when the archive holds one subnet')
    .option('--from <block>', 'first block of the range (default 1)')
    .option('--to <block>', 'last block of the range (default: the head; offline, the end of the archived range)')
    .option('--archive <file>', 'SQLite archive: every snapshot read is kept there; alone, replays offline from it')
    .option('--genesis <hash>', 'offline: the chain to replay when the archive holds several')
    .option('--json', 'print the report as JSON on stdout')
    .option('--out <dir>', 'write replay.json and a self-contained replay.html into this folder')
    .option('--pretty', 'indent the JSON output')
    .addHelpText(
      'after',
      '\nEach epoch is "match" or lists its differing fields (validatorPermit, active, stakeWeight, consensus, incentive,\n' +
        'dividends, validatorTrust, emission, bonds) with the number of uids, the first uid, and the stored and computed\n' +
        'values, plus a diagnosis where the data allows one. --json prints\n' +
        '{ netuid, from, to, epochs: [{ block, match, fields: [{ field, uids, firstUid, expected, got, sample }], diagnosis }],\n' +
        '  summary: { epochs, matched } }. A progress bar shows on a terminal (stderr).\n' +
        'Ctrl-C stops between two epochs (exit 130); the archive keeps every epoch read, and a rerun continues the range.\n' +
        'Exit codes: 0 the replay ran (mismatches are results); 1 the chain or archive could not be read; 2 bad options;\n' +
        '130 stopped. See docs/replay.md.',
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseReplayOptions(raw);
      const controller = new AbortController();
      void stopSignal().then(() => controller.abort());
      const { ReplayAbortedError } = await import('../replay/index.js');
      let report: ReplayReport;
      try {
        report = await runReplayCommand(o, controller.signal, progressBar());
      } catch (e) {
        if (e instanceof ReplayAbortedError) {
          process.stderr.write(`yumaval: ${e.message}\n`);
          process.exit(130);
        }
        throw e;
      }
      const json = toJsonText(report, o.pretty);
      if (o.out !== null) await writeOut(o.out, report, json);
      writeResultAndExit(o.json ? json : replayTable(report));
    });
}
