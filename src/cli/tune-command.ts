import { Command, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileWriteError, InvalidOptionError } from '../errors/index.js';
import {
  checkDefinition, FileStore, LocalRunner, MemoryStore, OBJECTIVE_NAMES, OBJECTIVES, POOL_DEFAULTS, QueueRunner, rankByPrimary,
  loadArchiveSource, loadScenarioSource, renderTuneReport, runSweep, spaceKind, sweepId, validateSpace,
} from '../tune/index.js';
import type { ArchiveSelection, ResultStore, SearchKind, SweepDefinition, SweepResult, TrialRunner, TuneSource } from '../tune/index.js';
import type { EpochMode } from '../yuma/index.js';
import { integerOption } from './options.js';
import { readJsonInput, writeJson } from './read-input.js';
import { renderTable } from './table.js';

/** Objectives measured when --objectives is not given, per kind of space. */
const DEFAULT_OBJECTIVES = {
  consensus: ['copierGain', 'honestDividends', 'stakeRetention', 'dividendFairness', 'incentiveInstability'],
  scoring: ['rankCorrelation', 'scoreInstability', 'newcomerSteps'],
} as const;

interface TuneOptions {
  space: string;
  scenario?: string[];
  archive?: string;
  netuid?: string;
  from?: string;
  to?: string;
  objectives?: string;
  trials: string;
  search: SearchKind;
  seed: string;
  mode: EpochMode;
  workers?: string;
  queue?: string;
  sweep?: string;
  chunk?: string;
  json?: boolean;
  out?: string;
  top: string;
}

/** A progress bar on stderr (a terminal only): trials done, trials per second, time left. */
export function progressBar(label: string): (done: number, total: number) => void {
  if (!process.stderr.isTTY) return () => undefined;
  const start = Date.now();
  let first: number | null = null, lastDraw = 0;
  return (done, total) => {
    const now = Date.now();
    if (done < total && now - lastDraw < 100) return;
    lastDraw = now;
    first ??= done;
    const seconds = (now - start) / 1000;
    const rate = seconds > 0 ? (done - first) / seconds : 0;
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : null;
    const width = 30, fill = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} trials, ${rate.toFixed(1)}/s, ${eta === null ? '--' : `${eta}s`} left ${done === total ? '\n' : ''}`);
  };
}

/** The table of the front and the best trials. */
function summary(result: SweepResult, definition: SweepDefinition, params: string[], top: number): string {
  const space = validateSpace(definition.space);
  const cols = [{ header: 'trial', align: 'left' as const }, ...params.map((p) => ({ header: p })), ...definition.objectives.map((o) => ({ header: `${o} (${OBJECTIVES[o]?.direction})` })), { header: 'front' }];
  const f = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(5) : String(v));
  const front = new Set(result.front);
  const full = result.trials.filter((t) => t.epochs === null);
  const best = rankByPrimary(full, definition.objectives[0] as string, space).slice(0, top);
  const shown = [...best, ...full.filter((t) => front.has(t.id) && !best.includes(t))];
  const rows = shown.map((t) => [t.id, ...params.map((p) => f(t.params[p])), ...definition.objectives.map((o) => f(t.objectives[o])), front.has(t.id) ? '*' : '']);
  return `Sweep ${result.sweep}: ${result.trials.length} trials, ${result.ran} run now; best ${best.length} by ${definition.objectives[0]} then the rest of the front (*):\n${renderTable(cols, rows)}`;
}

async function loadSources(opts: TuneOptions): Promise<TuneSource[]> {
  const sources: TuneSource[] = await Promise.all((opts.scenario ?? []).map((ref) => loadScenarioSource(ref)));
  for (const [flag, v] of [['--netuid', opts.netuid], ['--from', opts.from], ['--to', opts.to]] as const) {
    if (v !== undefined && opts.archive === undefined) throw new InvalidOptionError(flag, 'applies to --archive only');
  }
  if (opts.archive !== undefined) {
    const sel: ArchiveSelection = {};
    if (opts.netuid !== undefined) sel.netuid = integerOption('--netuid', opts.netuid, 0, 65535);
    if (opts.from !== undefined) sel.from = integerOption('--from', opts.from, 0, Number.MAX_SAFE_INTEGER);
    if (opts.to !== undefined) sel.to = integerOption('--to', opts.to, 0, Number.MAX_SAFE_INTEGER);
    if (sel.from !== undefined && sel.to !== undefined && sel.to < sel.from) throw new InvalidOptionError('--to', `must not be below --from (${sel.from}), got ${sel.to}`);
    sources.push(loadArchiveSource(opts.archive, sel));
  }
  return sources;
}

/** `yumaval tune`: a parameter sweep against objectives, on a local thread pool or through BullMQ on Redis. */
export function tuneCommand(): Command {
  return new Command('tune')
    .description('sweep consensus or scoring parameters against objectives; a Pareto front, on local threads or BullMQ workers')
    .requiredOption('--space <file>', 'SPACE.json: the parameters and their values or ranges (docs/tune.md)')
    .option('--scenario <name|file...>', 'catalogue scenarios or scenario files to evaluate consensus parameters on')
    .option('--archive <file>', 'recorded history: a replay archive (yumaval replay --archive) or its JSON Lines export, re-run under each trial')
    .option('--netuid <n>', 'the archive\'s subnet (needed when it holds several)')
    .option('--from <block>', 'the archive\'s first epoch block to re-run (default: its first)')
    .option('--to <block>', 'the archive\'s last epoch block to re-run (default: its last)')
    .option('--objectives <list>', `comma-separated, from: ${OBJECTIVE_NAMES.join(', ')} (default: by the space's kind)`)
    .option('--trials <n>', 'trials for random and halving searches (a grid runs all its points)', '64')
    .addOption(new Option('--search <kind>', 'how trials are chosen').choices(['grid', 'random', 'halving']).default('grid'))
    .option('--seed <s>', 'seed of the random and halving searches, and of the offline validator', '1')
    .addOption(new Option('-m, --mode <mode>', 'engine: f64 (fast) or exact (bit for bit with the chain)').choices(['exact', 'f64']).default('f64'))
    .option('--workers <n>', `local worker threads (default ${POOL_DEFAULTS.threads}, one per core; 0 runs on the main thread)`)
    .option('--queue <url>', 'redis://HOST:PORT: run the trials on `yumaval worker` processes through BullMQ')
    .option('--chunk <n>', 'trials per job with --queue (16), per thread task locally (automatic)')
    .option('--sweep <id>', 'the sweep id (default: a hash of the definition); the same id resumes the sweep')
    .option('--json', 'print { sweep, ran, trials: [{ id, params, objectives }], front } alone on stdout')
    .option('--out <dir>', 'write <dir>/report.html (offline) and, locally, <dir>/results.jsonl (resumable)')
    .option('--top <n>', 'trials in the table', '10')
    .addHelpText('after', '\nExample:\n  yumaval tune --space space.json --scenario copier-lag-1 copier-lag-2 --objectives copierGain,honestDividends --json\n' +
      'Distributed: start `yumaval worker --queue redis://127.0.0.1:6379` on any machines, then add --queue to tune.')
    .action(async (opts: TuneOptions) => {
      const rawSpace = await readJsonInput(opts.space);
      const space = validateSpace(rawSpace);
      const kind = spaceKind(space);
      if (kind === 'scoring' && (opts.scenario !== undefined || opts.archive !== undefined)) {
        throw new InvalidOptionError(opts.scenario !== undefined ? '--scenario' : '--archive', 'a scoring sweep runs the offline validator (the task and its miner profiles) and takes no source');
      }
      const definition: SweepDefinition = {
        space: rawSpace,
        sources: kind === 'consensus' ? await loadSources(opts) : [],
        objectives: opts.objectives === undefined ? [...DEFAULT_OBJECTIVES[kind]] : opts.objectives.split(',').map((s) => s.trim()).filter((s) => s !== ''),
        mode: opts.mode,
        search: opts.search,
        seed: integerOption('--seed', opts.seed, -(2 ** 31), 2 ** 32 - 1),
        trials: integerOption('--trials', opts.trials, 1, 1_000_000),
      };
      checkDefinition(definition);
      const top = integerOption('--top', opts.top, 1, 10_000);
      const sweep = opts.sweep ?? sweepId(definition);
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(sweep)) throw new InvalidOptionError('--sweep', 'expected 1 to 64 letters, digits, _ or -');
      const chunk = opts.chunk === undefined ? undefined : integerOption('--chunk', opts.chunk, 1, 10_000);
      let runner: TrialRunner & { close(): Promise<void> };
      let store: ResultStore;
      if (opts.queue !== undefined) {
        if (opts.workers !== undefined) throw new InvalidOptionError('--workers', 'with --queue the trials run on `yumaval worker` processes: give --workers to them');
        const q = await QueueRunner.create(opts.queue, { ...(chunk === undefined ? {} : { chunk }), log: (line) => process.stderr.write(`tune: ${line}\n`) });
        runner = q;
        store = q.store(sweep);
      } else {
        runner = new LocalRunner({ threads: opts.workers === undefined ? undefined : integerOption('--workers', opts.workers, 0, 1024), chunk });
        store = opts.out === undefined ? new MemoryStore() : new FileStore(join(opts.out, 'results.jsonl'), sweep, sweepId(definition));
      }
      let result: SweepResult;
      try {
        result = await runSweep(definition, runner, store, { sweep, onProgress: progressBar('tune') });
      } finally {
        await runner.close();
      }
      if (opts.out !== undefined) {
        try {
          await mkdir(opts.out, { recursive: true });
          await writeFile(join(opts.out, 'report.html'), renderTuneReport(result, definition, space, top));
        } catch (err) {
          throw new FileWriteError(opts.out, (err as Error).message);
        }
      }
      if (opts.json === true) {
        writeJson({ sweep: result.sweep, ran: result.ran, trials: result.trials.map((t) => ({ id: t.id, params: t.params, ...(t.epochs === null ? {} : { epochs: t.epochs }), objectives: t.objectives })), front: result.front });
        return;
      }
      process.stdout.write(`${summary(result, definition, space.dims.map((d) => d.name), top)}\n`);
    });
}
