import { Command } from 'commander';
import { InvalidOptionError } from '../errors/index.js';
import type { DemoOptions, DemoSummary } from '../demo/index.js';
import { flagOption, integerOption, pathOption } from './options.js';
import { writeJson } from './read-input.js';
import { stopSignal } from './stop-signal.js';

/*
 * `yumaval demo` (what `npm start` runs): a whole subnet on loopback, its live view on stderr, then the summary and
 * DIR/report.html. `--json` prints the summary alone on stdout. Ctrl-C stops the run, writes what was recorded and
 * exits 0; a last-resort timer ends the process 4.5 s after the signal whatever is still closing, and a second Ctrl-C
 * exits at once (130). The demo module loads only when this command runs.
 */

/** The raw options commander gives. */
interface RawDemoOptions { archive?: string; epochs?: string; out?: string; blockTime?: string; yuma3?: boolean; original?: boolean; liquidAlpha?: boolean; commitReveal?: boolean; json?: boolean }

/**
 * Checks the command line.
 * @throws InvalidOptionError naming the option
 */
export function parseDemoOptions(raw: RawDemoOptions): { options: Partial<DemoOptions>; json: boolean } {
  if (raw.yuma3 === true && raw.original === true) throw new InvalidOptionError('--original', 'cannot be combined with --yuma3 (pick one Yuma variant)');
  const options: Partial<DemoOptions> = {};
  if (raw.epochs !== undefined) options.epochs = integerOption('--epochs', raw.epochs, 1, 10_000);
  if (raw.blockTime !== undefined) options.blockTimeMs = integerOption('--block-time', raw.blockTime, 50, 60_000);
  const out = pathOption('--out', raw.out, 'a directory');
  if (out !== null) options.out = out;
  if (raw.original === true) options.yuma3 = false;
  if (raw.liquidAlpha === true) options.liquidAlpha = true;
  if (raw.commitReveal === true) options.commitReveal = true;
  if (raw.archive !== undefined) options.archive = raw.archive;
  return { options, json: flagOption(raw.json) };
}

/** The summary as lines for stderr. */
export function summaryLines(s: DemoSummary, reportPath: string): string[] {
  const f = (x: number | null, d = 4): string => (x === null || Number.isNaN(x) ? '-' : x.toFixed(d));
  const lines = [
    '',
    `${s.yuma}${s.liquidAlpha ? ' + liquid alpha' : ''}${s.commitReveal ? ' + commit-reveal' : ''}: ${s.epochs} epochs in ${s.wallSeconds} s${s.interrupted ? ' (interrupted)' : ''}; means over epochs ${s.meanFrom}..${s.epochs - 1}`,
    `miners: Spearman(final incentive, true quality) = ${f(s.spearman, 3)}; oracles ranked by quality: ${s.oraclesRanked ? 'yes' : 'no'}; failures at 0: ${s.failuresZero ? 'yes' : 'no'}`,
  ];
  const tasks = Object.keys(s.taskSteps);
  if (tasks.length > 0) lines.push(`  (share of a step's Shapley mass per task, over ${tasks.map((t) => `${s.taskSteps[t]} ${t}`).join(' and ')} steps)`);
  for (const m of [...s.miners].sort((a, b) => b.finalIncentive - a.finalIncentive)) {
    lines.push(`  ${m.label.padEnd(14)} quality ${m.quality.toFixed(2)}  incentive ${f(m.finalIncentive)}${tasks.map((t) => `  ${t} ${f(m.taskShare[t] ?? 0, 3)}`).join('')}`);
  }
  if (s.models !== null) {
    const c = s.models;
    lines.push(`scoring models (the live run scored with ${s.scoringModel}; both, offline, on the same answers): incentive share of the sybil group (${c.sybilGroup.join(', ')}), of ${c.sybilBase} beside it (alone), of the copier and of ${c.copied} beside it (alone)`);
    for (const m of c.models) {
      lines.push(`  ${m.model.padEnd(17)} sybil group ${f(m.incentive.sybilGroup)}  ${c.sybilBase} ${f(m.incentive.sybilBase)} (${f(m.alone.sybilBase)})  copier ${f(m.incentive.copier)}  ${c.copied} ${f(m.incentive.copied)} (${f(m.alone.copied)})`);
    }
  }
  lines.push('validators (vtrust, TAO of dividends per 1,000 TAO per epoch, vs the honest validator of the same stake):');
  for (const v of s.validators) {
    lines.push(`  ${v.label.padEnd(9)} ${v.role.padEnd(11)} ${String(v.stakeTao).padStart(5)} TAO  vtrust ${f(v.meanVtrust)}  dividends ${f(v.dividendsPer1000Tao, 6)}${v.gainVsHonest === null ? '' : `  ${v.gainVsHonest >= 0 ? '+' : ''}${(v.gainVsHonest * 100).toFixed(1)}%`}${v.predictionError === null ? '' : `  |pred-actual| ${f(v.predictionError)}`}`);
  }
  lines.push(`report: ${reportPath}`);
  return lines;
}

/** `yumaval demo`. */
export function demoCommand(): Command {
  return new Command('demo')
    .description('run a whole subnet on loopback: a devnet, 18 reference miners on two tasks, two honest validators, a weight copier and a self-dealer; live view, summary, report')
    .option('--epochs <n>', 'epochs to record (default 24)')
    .option('--out <dir>', 'where report.html goes (default demo-report)')
    .option('--block-time <ms>', 'the devnet\'s block time (default 250; the tempo is 11, so an epoch is 12 blocks)')
    .option('--yuma3', 'Yuma3 (the default)')
    .option('--original', 'the original Yuma instead of Yuma3')
    .option('--liquid-alpha', 'liquid alpha on')
    .option('--commit-reveal', 'commit-reveal on (weights count an epoch after they are committed)')
    .option('--archive <file>', 'also write the run\'s epochs to this replay archive (SQLite), for yumaval audit --archive FILE --netuid 1')
    .option('--json', 'print the summary as JSON on stdout')
    .addHelpText('after', '\nThe live view and the summary go to stderr; with --json the summary alone goes to stdout.\nCtrl-C stops everything, writes the report of what was recorded, and exits 0 (a second Ctrl-C exits at once with 130).')
    .action(async (raw: RawDemoOptions) => {
      const { options, json } = parseDemoOptions(raw);
      const { runDemo, summarize, renderDemoReport, LiveView, resolveDemoOptions } = await import('../demo/index.js');
      const o = resolveDemoOptions(options);
      const abort = new AbortController();
      void stopSignal().then(() => {
        abort.abort();
        // Everything is in this process: exiting frees every port and thread.
        setTimeout(() => process.exit(0), 4_500).unref();
      });
      const view = new LiveView(process.stderr, `yumaval demo: ${o.yuma3 ? 'Yuma3' : 'original Yuma'}${o.liquidAlpha ? ' + liquid alpha' : ''}${o.commitReveal ? ' + commit-reveal' : ''}`);
      const run = await runDemo(o, {
        signal: abort.signal, onState: (s, r) => view.update(s, r),
        onReady: (e) => process.stderr.write(`devnet ${e.url}; ${e.axonPorts.length} axons on 127.0.0.1 ports ${e.axonPorts.join(',')}\n`),
      });
      view.close();
      const summary = summarize(run);
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      mkdirSync(o.out, { recursive: true });
      const reportPath = join(o.out, 'report.html');
      writeFileSync(reportPath, renderDemoReport(run, summary));
      process.stderr.write(`${summaryLines(summary, reportPath).join('\n')}\n`);
      if (json) writeJson(summary);
      // Background timers of the chain client must not hold the exit.
      process.exit(0);
    });
}
