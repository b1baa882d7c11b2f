import { Command, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidOptionError, showValue } from '../errors/index.js';
import { CATALOGUE, historyLine, honestBaseline, renderReport, scenarioMetrics, simulateRuns, stakePath, validateScenario } from '../simulation/index.js';
import type { Scenario, SeriesResult, VariantMetrics } from '../simulation/index.js';
import type { EpochMode } from '../yuma/index.js';
import { EPOCH_MODES } from './epoch-command.js';
import { choiceOption, flagOption, optionalInteger, pathOption, processIo } from './options.js';
import type { CommandIo } from './options.js';
import { jsonLine, MAX_INPUT_HELP, parseMaxInputOption, readJsonInput } from './read-input.js';
import { checkSeriesFits, guardWrite, SERIES_BYTES_PER_UID_EPOCH, variantFiles, VariantWriter } from './simulate-output.js';
import type { VariantFile } from './simulate-output.js';
import { renderTable } from './table.js';

const pct = (u16: number): string => `${((u16 / 65535) * 100).toFixed(2)}%`;

/** A progress bar on stderr for runs long enough to want one (only on a terminal). */
function progress(label: string, io: CommandIo): (done: number, total: number) => void {
  if (!io.stderrIsTTY) return () => undefined;
  let last = -1;
  return (done, total) => {
    const pctDone = Math.floor((done / total) * 100);
    if (pctDone === last && done !== total) return;
    last = pctDone;
    const width = 30, fill = Math.round((done / total) * width);
    io.stderr(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

/** The last epoch of each variant as a table: dividends and incentive per uid. */
function summary(result: SeriesResult, n: number): string {
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

/** The command's options, checked. */
export interface SimulateCliOptions {
  /** A scenario file, - for stdin, or a built-in name; null with list. */
  scenario: string | null;
  /** Print the catalogue instead of running. */
  list: boolean;
  /** Run this many epochs (fewer or more than the scenario lists), or null for the scenario's own count. */
  epochs: number | null;
  mode: EpochMode;
  json: boolean;
  /** The folder of the per-variant files and the report, or null. */
  out: string | null;
  maxInputMib: number;
}

/**
 * Checks the raw options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseSimulateOptions(scenario: unknown, raw: { list?: unknown; epochs?: unknown; mode?: unknown; json?: unknown; out?: unknown; maxInputMb?: unknown }): SimulateCliOptions {
  const list = flagOption(raw.list);
  if (!list && (typeof scenario !== 'string' || scenario === '')) throw new InvalidOptionError('<scenario>', 'give a scenario file, - for stdin, or a built-in name (yumaval simulate --list)');
  return {
    scenario: typeof scenario === 'string' && scenario !== '' ? scenario : null,
    list,
    epochs: optionalInteger('--epochs', raw.epochs, 1, 100_000),
    mode: choiceOption('--mode', raw.mode ?? 'exact', EPOCH_MODES),
    json: flagOption(raw.json),
    out: pathOption('--out', raw.out, 'a directory'),
    maxInputMib: parseMaxInputOption(raw.maxInputMb),
  };
}

/** The scenario document: a built-in one, or read from a file or stdin, cut or extended to `epochs`. */
async function loadScenario(o: SimulateCliOptions): Promise<unknown> {
  const source = o.scenario as string;
  let raw: unknown;
  const builtIn = CATALOGUE.get(source);
  if (builtIn !== undefined) raw = builtIn();
  else if (source === '-' || source.toLowerCase().endsWith('.json')) raw = await readJsonInput(source, { maxInputMib: o.maxInputMib, exactIntegers: true });
  else throw new InvalidOptionError('<scenario>', `${showValue(source)} is neither a .json file nor a built-in scenario (the catalogue: ${[...CATALOGUE.keys()].join(', ')})`);
  if (o.epochs !== null && typeof raw === 'object' && raw !== null && Array.isArray((raw as { epochs?: unknown }).epochs)) {
    const sc = raw as { epochs: unknown[]; epochCount?: number };
    raw = { ...sc, epochs: sc.epochs.slice(0, o.epochs), epochCount: o.epochs };
  }
  return raw;
}

/** Runs the scenario (or lists the catalogue) and writes the summary, the streamed JSON, and the --out files. */
export async function runSimulateCommand(opts: SimulateCliOptions, io: CommandIo = processIo()): Promise<void> {
  if (opts.list) {
    const entries = [...CATALOGUE].map(([name, make]) => ({ name, description: make().description ?? '' }));
    if (opts.json) await io.stdout(jsonLine(entries));
    else await io.stdout(`${renderTable([{ header: 'name', align: 'left' }, { header: 'description', align: 'left' }], entries.map((e) => [e.name, e.description]))}\n`);
    return;
  }
  const raw = await loadScenario(opts);
  // Everything that can be refused is refused before the first epoch runs.
  const checked = validateScenario(raw);
  const keepSeries = !opts.json || opts.out !== null;
  if (keepSeries) checkSeriesFits(checked, honestBaseline(raw as Scenario) !== null);
  const out = opts.out;
  const outFiles = out === null ? null : variantFiles(out, checked.variants.map((v) => v.name));
  if (out !== null) await guardWrite(out, () => mkdir(out, { recursive: true }));

  const series: SeriesResult = { variants: [] };
  // With --json the document is streamed to stdout epoch by epoch, waiting whenever the pipe is full.
  const stdout = opts.json ? io.stdout : null;
  const files = new VariantWriter();
  try {
    for (const ev of simulateRuns(raw, { mode: opts.mode, onProgress: opts.json ? undefined : progress('simulate', io) })) {
      if (ev.kind === 'variant') {
        // Nothing reaches stdout before the first run has started (a scenario refused late prints nothing).
        const head = `${ev.variant > 0 ? ']},' : '{"variants":['}{"name":${JSON.stringify(ev.name)},"epochs":[`;
        await stdout?.(head);
        if (outFiles !== null) files.start(outFiles[ev.variant] as VariantFile, JSON.stringify(ev.name));
        if (keepSeries) series.variants.push({ name: ev.name, epochs: [] });
        continue;
      }
      const text = JSON.stringify(ev.output);
      await stdout?.(`${ev.epoch > 0 ? ',' : ''}${text}`);
      if (outFiles !== null) files.epoch(ev.epoch, text, ev.series, historyLine(ev.input, ev.output));
      if (keepSeries) series.variants[ev.variant]?.epochs.push(ev.series);
    }
    files.end();
  } finally {
    files.close();
  }
  await stdout?.(checked.variants.length > 0 ? ']}]}\n' : '{"variants":[]}\n');
  if (!keepSeries) return;
  const metrics = scenarioMetrics(raw as Scenario, series, { mode: opts.mode });
  if (out !== null) {
    await guardWrite(out, async () => {
      await writeFile(join(out, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
      const title = (raw as { name?: unknown }).name;
      await writeFile(join(out, 'report.html'), renderReport(series, typeof title === 'string' ? title : 'yumaval simulation', { stakes: stakePath(raw), metrics }));
    });
  }
  if (opts.json) return;
  const n = checked.n;
  const epochs = series.variants[0]?.epochs.length ?? 0;
  await io.stdout(`Last of ${epochs} epochs, ${opts.mode} engine: dividends and incentive per uid, by variant\n${summary(series, n)}\n`);
  await io.stdout(`\n${metricsTable(metrics)}\n`);
  await io.stdout(`\n${validatorsTable(metrics)}\n`);
}

/** `yumaval simulate`: a multi-epoch scenario (contracts/scenario.md), every variant side by side. */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run a multi-epoch scenario (explicit weights per epoch), carrying bonds, permits and last updates between epochs')
    .argument('[scenario]', 'scenario JSON file (contracts/scenario.md), - for stdin, or a built-in name (see --list)')
    .option('--list', 'list the built-in scenarios')
    .option('-e, --epochs <n>', 'run this many epochs (fewer than the scenario lists, or more: extra epochs set no explicit weights)')
    .addOption(new Option('-m, --mode <mode>', 'exact reproduces the chain bit for bit; f64 is the fast float variant').choices(EPOCH_MODES).default('exact'))
    .option('--json', 'print { variants: [{ name, epochs: [EpochOutput...] }] } on stdout instead of the summary table (streamed epoch by epoch)')
    .option('--out <dir>', 'also write <dir>/<variant>.json and .csv (every epoch\'s outputs, streamed), <dir>/<variant>.history.jsonl (the epochs in the replay archive\'s JSON Lines format, for yumaval audit --history) and <dir>/report.html (charts, offline)')
    .option('--max-input-mb <n>', MAX_INPUT_HELP)
    .addHelpText(
      'after',
      '\nThe scenario gives n, stake (rao per uid), optional hyperparams and variants, and per-epoch weights rows.\n' +
        'Invalid scenarios exit 2 with one line naming the place, e.g. epochs[3].weights["7"][0][0].\n' +
        'Behaviours (honest with noise, late, copier, cartel) produce weights epoch by epoch: see docs/simulation.md.\n' +
        'Memory: the per-epoch outputs are streamed; the tables, metrics and report keep about n·epochs·variants·' +
        `${SERIES_BYTES_PER_UID_EPOCH} bytes, and a run that cannot fit is refused up front (docs/limits.md).`,
    )
    .action(async (source: string | undefined, raw: Record<string, unknown>) => {
      await runSimulateCommand(parseSimulateOptions(source, raw));
    });
}
