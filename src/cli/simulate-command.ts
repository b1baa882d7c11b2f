import { Command, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileWriteError, InvalidOptionError } from '../errors/index.js';
import { CATALOGUE, renderReport, scenarioMetrics, simulate, stakePath, toCsv } from '../simulation/index.js';
import type { Scenario, SimulationResult, VariantMetrics } from '../simulation/index.js';
import type { EpochMode } from '../yuma/types.js';
import { readJsonInput, writeJson } from './read-input.js';
import { renderTable } from './table.js';

const pct = (u16: number): string => `${((u16 / 65535) * 100).toFixed(2)}%`;

/** A progress bar on stderr for runs long enough to want one (only on a terminal). */
function progress(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  let last = -1;
  return (done, total) => {
    const pctDone = Math.floor((done / total) * 100);
    if (pctDone === last && done !== total) return;
    last = pctDone;
    const width = 30, fill = Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** The last epoch of each variant as a table: dividends and incentive per uid. */
function summary(result: SimulationResult, n: number): string {
  const cols = result.variants.flatMap((v) => [{ header: `${v.name} div` }, { header: `${v.name} inc` }]);
  const rows = Array.from({ length: n }, (_, uid) => [
    uid,
    ...result.variants.flatMap((v) => {
      const last = v.epochs[v.epochs.length - 1];
      return last === undefined ? ['', ''] : [pct(last.dividends[uid] ?? 0), pct(last.incentive[uid] ?? 0)];
    }),
  ]);
  return renderTable([{ header: 'uid' }, ...cols], rows);
}

/** Per variant: copier gains, cartel gain and miner incentive instability. */
function metricsTable(metrics: VariantMetrics[]): string {
  const copiers = [...new Set(metrics.flatMap((m) => Object.keys(m.copierGain)))];
  const hasCartel = metrics.some((m) => m.cartelGain !== null);
  return renderTable(
    [
      { header: 'variant', align: 'left' },
      ...copiers.map((u) => ({ header: `copier ${u} G` })),
      ...(hasCartel ? [{ header: 'cartel gain' }] : []),
      { header: 'incentive instability' },
    ],
    metrics.map((m) => [
      m.name,
      ...copiers.map((u) => (m.copierGain[Number(u)] ?? Number.NaN).toFixed(4)),
      ...(hasCartel ? [(m.cartelGain ?? Number.NaN).toFixed(4)] : []),
      m.incentiveInstability.toFixed(4),
    ]),
  );
}

/** Per validator (at most `limit`, in uid order) and variant: mean dividends per 1000 TAO, relative, and vs honest. */
function validatorsTable(metrics: VariantMetrics[], limit = 16): string {
  const uids = [...new Set(metrics.flatMap((m) => Object.keys(m.validators).map(Number)))].sort((a, b) => a - b);
  const withBaseline = metrics.some((m) => Object.values(m.validators).some((v) => v.vsHonest !== null));
  const f = (x: number | null | undefined): string => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toPrecision(4));
  const table = renderTable(
    [{ header: 'uid' }, ...metrics.flatMap((m) => [{ header: `${m.name} /1000 TAO` }, { header: `${m.name} rel` }, ...(withBaseline ? [{ header: `${m.name} vs honest` }] : [])])],
    uids.slice(0, limit).map((u) => [u, ...metrics.flatMap((m) => {
      const v = m.validators[u];
      return [f(v?.dividendsPer1000Tao), f(v?.relativeDividends), ...(withBaseline ? [f(v?.vsHonest)] : [])];
    })]),
  );
  const more = uids.length > limit ? `\n(${uids.length - limit} more validators in metrics.json with --out)` : '';
  return `Validators, means over the run (rel = dividend share - stake share${withBaseline ? '; vs honest = over the all-honest rerun' : ''}):\n${table}${more}`;
}

/** `yumaval simulate`: a multi-epoch scenario (contracts/scenario.md), every variant side by side. */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run a multi-epoch scenario (explicit weights per epoch), carrying bonds, permits and last updates between epochs')
    .argument('[scenario]', 'scenario JSON file (contracts/scenario.md), - for stdin, or a built-in name (see --list)')
    .option('--list', 'list the built-in scenarios')
    .option('-e, --epochs <n>', 'run this many epochs (fewer than the scenario lists, or more: extra epochs set no explicit weights)')
    .addOption(new Option('-m, --mode <mode>', 'exact reproduces the chain bit for bit; f64 is the fast float variant').choices(['exact', 'f64']).default('exact'))
    .option('--json', 'print { variants: [{ name, epochs: [EpochOutput...] }] } on stdout instead of the summary table')
    .option('--out <dir>', 'also write <dir>/<variant>.json and .csv (every epoch\'s outputs) and <dir>/report.html (charts, offline)')
    .addHelpText(
      'after',
      '\nThe scenario gives n, stake (rao per uid), optional hyperparams and variants, and per-epoch weights rows.\n' +
        'Invalid scenarios exit 2 with one line naming the place, e.g. epochs[3].weights["7"][0][0].\n' +
        'Behaviours (honest with noise, late, copier, cartel) produce weights epoch by epoch: see docs/simulation.md.',
    )
    .action(async (source: string | undefined, opts: { mode: EpochMode; json?: boolean; out?: string; list?: boolean; epochs?: string }) => {
      if (opts.list === true) {
        const entries = [...CATALOGUE].map(([name, make]) => ({ name, description: make().description ?? '' }));
        if (opts.json === true) writeJson(entries);
        else process.stdout.write(`${renderTable([{ header: 'name', align: 'left' }, { header: 'description', align: 'left' }], entries.map((e) => [e.name, e.description]))}\n`);
        return;
      }
      if (source === undefined) throw new InvalidOptionError('<scenario>', 'give a scenario file, - for stdin, or a built-in name (yumaval simulate --list)');
      let raw: unknown;
      const builtIn = CATALOGUE.get(source);
      if (builtIn !== undefined) raw = builtIn();
      else if (source === '-' || source.toLowerCase().endsWith('.json')) raw = await readJsonInput(source);
      else throw new InvalidOptionError('<scenario>', `"${source}" is neither a .json file nor a built-in scenario (the catalogue: ${[...CATALOGUE.keys()].join(', ')})`);
      if (opts.epochs !== undefined) {
        const count = Number(opts.epochs);
        if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new InvalidOptionError('--epochs', `expected an integer in 1..100000, got ${JSON.stringify(opts.epochs)}`);
        if (typeof raw === 'object' && raw !== null && Array.isArray((raw as { epochs?: unknown }).epochs)) {
          const sc = raw as { epochs: unknown[]; epochCount?: number };
          raw = { ...sc, epochs: sc.epochs.slice(0, count), epochCount: count };
        }
      }
      const result = simulate(raw, { mode: opts.mode, onProgress: opts.json === true ? undefined : progress('simulate') });
      const metrics = opts.json === true && opts.out === undefined ? [] : scenarioMetrics(raw as Scenario, result, { mode: opts.mode });
      if (opts.out !== undefined) {
        try {
          await mkdir(opts.out, { recursive: true });
          await writeFile(join(opts.out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
          for (const v of result.variants) {
            const base = join(opts.out, v.name.replace(/[^A-Za-z0-9._-]+/g, '_'));
            await writeFile(`${base}.json`, `${JSON.stringify(v)}\n`);
            await writeFile(`${base}.csv`, toCsv(v.epochs));
          }
          const title = (raw as { name?: unknown }).name;
          await writeFile(join(opts.out, 'report.html'), renderReport(result, typeof title === 'string' ? title : 'yumaval simulation', { stakes: stakePath(raw), metrics }));
        } catch (err) {
          throw new FileWriteError(opts.out, (err as Error).message);
        }
      }
      if (opts.json === true) {
        writeJson(result);
        return;
      }
      const n = (raw as { n: number }).n;
      const epochs = result.variants[0]?.epochs.length ?? 0;
      process.stdout.write(`Last of ${epochs} epochs, ${opts.mode} engine: dividends and incentive per uid, by variant\n${summary(result, n)}\n`);
      process.stdout.write(`\n${metricsTable(metrics)}\n`);
      process.stdout.write(`\n${validatorsTable(metrics)}\n`);
    });
}
