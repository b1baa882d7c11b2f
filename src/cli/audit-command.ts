import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditOptions, AuditReport, HistorySource } from '../audit/index.js';
import { FileReadError, FileWriteError, InvalidOptionError } from '../errors/index.js';
import { toJsonText } from './chain-options.js';
import { blockOption, flagOption, netuidOption, optionalInteger, pathOption } from './options.js';
import { renderTable } from './table.js';

/*
 * `yumaval audit`: who copies weights, who colludes in a cartel and who self-deals in a subnet's history (src/audit),
 * each finding priced in rao by re-running its epochs with the exact engine. The history is the replay archive (--archive with --netuid) or its
 * JSON Lines interchange (--history). JSON alone on stdout with --json; the ranked table, the progress bar and the
 * report's path go to stdout/stderr otherwise.
 */

/** The command's options, checked. */
export interface AuditCliOptions {
  source: HistorySource;
  json: boolean;
  pretty: boolean;
  out: string | null;
  audit: Partial<AuditOptions>;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseAuditOptions(raw: Record<string, unknown>): AuditCliOptions {
  const archive = raw['archive'] === undefined ? null : String(raw['archive']);
  const history = raw['history'] === undefined ? null : String(raw['history']);
  if ((archive === null) === (history === null)) throw new InvalidOptionError('--archive', 'give either --archive FILE with --netuid N, or --history FILE.jsonl');
  let source: HistorySource;
  if (archive !== null) {
    if (raw['netuid'] === undefined) throw new InvalidOptionError('--netuid', 'is required with --archive');
    const netuid = netuidOption(raw['netuid']);
    const from = blockOption('--from', raw['from']), to = blockOption('--to', raw['to']);
    if (from !== null && to !== null && from > to) throw new InvalidOptionError('--from', `the range is empty: ${from} is after --to ${to}`);
    source = { kind: 'archive', file: archive, netuid, ...(from === null ? {} : { from }), ...(to === null ? {} : { to }) };
  } else {
    for (const k of ['netuid', 'from', 'to'] as const) if (raw[k] !== undefined) throw new InvalidOptionError(`--${k}`, 'applies to --archive only (a JSON Lines history is audited whole)');
    source = { kind: 'jsonl', file: history as string };
  }
  if (!existsSync(source.file)) throw new FileReadError(source.file, 'no such file');
  const audit: Partial<AuditOptions> = {};
  const alpha = raw['alpha'];
  if (alpha !== undefined) {
    const a = Number(alpha);
    if (!(a > 0 && a < 1)) throw new InvalidOptionError('--alpha', `expected a number in (0, 1), got ${JSON.stringify(alpha)}`);
    audit.alpha = a;
  }
  const perms = optionalInteger('--permutations', raw['permutations'], 0, 100_000);
  if (perms !== null) audit.permutations = perms;
  const seed = optionalInteger('--seed', raw['seed'], 0, 0xffffffff);
  if (seed !== null) audit.seed = seed;
  if (raw['allow'] !== undefined) {
    const text = String(raw['allow']);
    if (!/^\d+:\d+(,\d+:\d+)*$/.test(text)) throw new InvalidOptionError('--allow', `expected uid:uid pairs separated by commas (e.g. 3:7,4:9), got ${JSON.stringify(text)}`);
    audit.allow = text.split(',').map((p) => p.split(':').map(Number) as [number, number]);
  }
  if (raw['price'] === false) audit.price = false;
  return { source, json: flagOption(raw['json']), pretty: flagOption(raw['pretty']), out: pathOption('--out', raw['out'], 'a directory'), audit };
}

/** A progress bar on stderr (only on a terminal): epochs read, then findings priced. */
function progressBar(): (phase: 'read' | 'price', done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  const start = Date.now();
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (done !== total && now - last < 100) return;
    last = now;
    const width = 30, fill = Math.round((done / Math.max(total, 1)) * width);
    const what = phase === 'read' ? 'epochs run' : 'findings priced';
    process.stderr.write(`\raudit ${phase} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} ${what}, ${((now - start) / 1000).toFixed(1)} s ${done === total ? '\n' : ''}`);
  };
}

/** The table ranked by rao gained. */
export function auditTable(r: AuditReport): string {
  const head = `${r.epochs} epochs, blocks ${r.from}-${r.to}: ${r.findings.length} finding(s); ${r.validators.filter((v) => v.flags.length > 0).length} of ${r.validators.length} validators flagged`;
  if (r.findings.length === 0) return head;
  const rows = r.findings.map((f) => {
    const p = f.evidence['pricing'] as { dividendsRatio: number | null } | null | undefined;
    return [f.kind, f.validators.join(' '), f.miners.join(' '), `${f.from}-${f.to}`, f.statistic.toFixed(4), f.pValue.toFixed(4), f.gainRao, p?.dividendsRatio == null ? '-' : p.dividendsRatio.toFixed(4)];
  });
  return `${head}\n${renderTable([{ header: 'kind', align: 'left' }, { header: 'validators', align: 'left' }, { header: 'miners', align: 'left' }, { header: 'blocks' }, { header: 'statistic' }, { header: 'p' }, { header: 'gain (rao)' }, { header: 'dividends ratio' }], rows)}`;
}

/** `yumaval audit`. */
export function auditCommand(): Command {
  return new Command('audit')
    .description("find weight copiers and self-dealing validators in a subnet's history, each priced in rao with the exact engine")
    .option('--archive <file>', 'the replay archive (SQLite) to read')
    .option('--netuid <n>', 'the subnet to audit (with --archive)')
    .option('--from <block>', 'first epoch block (with --archive)')
    .option('--to <block>', 'last epoch block (with --archive)')
    .option('--history <file>', 'a JSON Lines history (yumaval archive export, simulate --out, or your own script)')
    .option('--json', 'print { findings, validators } as JSON on stdout')
    .option('--pretty', 'indent the JSON output')
    .option('--out <dir>', 'write audit.json and a self-contained report.html into this folder')
    .option('--alpha <p>', 'significance level per validator and detector (default 0.01)')
    .option('--permutations <n>', 'sign-flip permutations per test (default 999)')
    .option('--seed <n>', 'seed of the permutations (default 1)')
    .option('--allow <pairs>', 'declared validator pairs allowed to share weights, uid:uid,uid:uid')
    .option('--no-price', 'skip the counterfactual pricing (gainRao "0")')
    .addHelpText(
      'after',
      '\nDetectors: copier (similarity to the consensus published 1-3 epochs earlier, 4 with commit-reveal, against the\n' +
        'current one, with a change point and a sign-flip permutation test), cartel (groups whose deviations from the\n' +
        "consensus agree, found in the agreement graph, that favour miners against the rest's consensus: members, stake\n" +
        'share, pivotal, favoured miners, first and last epoch) and self-dealing (weight on miners sharing the\n' +
        "validator's coldkey against the consensus's). Each finding is priced by re-running its epochs with the suspect's\n" +
        "rows replaced by the honest rest's consensus. --json prints { from, to, epochs, findings: [{ kind, validators,\n" +
        'miners, from, to, statistic, pValue, gainRao, evidence }], validators: [{ uid, hotkey, flags }] }.\n' +
        'Exit codes: 0 the audit ran (findings are results); 1 the history could not be read; 2 bad options or input.\n' +
        'See docs/audit.md.',
    )
    .action(async (raw: Record<string, unknown>) => {
      const o = parseAuditOptions(raw);
      const { audit } = await import('../audit/index.js');
      const report = audit(o.source, o.audit, o.json ? undefined : progressBar());
      const json = toJsonText(report, o.pretty);
      if (o.out !== null) {
        const { renderAuditHtml } = await import('../audit/index.js');
        try {
          await mkdir(o.out, { recursive: true });
          await writeFile(join(o.out, 'audit.json'), `${json}\n`);
          await writeFile(join(o.out, 'report.html'), renderAuditHtml(report, report.agreement));
        } catch (e) {
          throw new FileWriteError(o.out, (e as NodeJS.ErrnoException).code ?? (e as Error).message);
        }
      }
      process.stdout.write(`${o.json ? json : auditTable(report)}\n`);
    });
}
