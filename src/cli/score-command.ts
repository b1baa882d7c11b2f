import { Command } from 'commander';
import { parseScoreRequest } from '../scoring/index.js';
import { SCORING_MODELS } from '../scoring/index.js';
import type { ScoringModel } from '../scoring/index.js';
import { scoreBatch } from '../scoring/index.js';
import type { ScoreResult } from '../scoring/index.js';
import { processAndEmit } from '../scoring/index.js';
import type { EmittedWeights } from '../scoring/index.js';
import { choiceOption, flagOption, pathOption, processIo } from './options.js';
import type { CommandIo } from './options.js';
import { MAX_INPUT_HELP, parseMaxInputOption, readJsonInput } from './read-input.js';
import { renderTable } from './table.js';

/** JSON has no NaN: an unresponsive miner's loss and divergence become null. */
const num = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The weights the Shapley vector would be emitted as: the SDK processing with n = max uid + 1, min 1, no limit. */
export function shapleyWeights(result: ScoreResult): EmittedWeights {
  if (result.uids.length === 0) return { uids: [], values: [] };
  return processAndEmit({ uids: result.uids, weights: result.shapley, n: Math.max(...result.uids) + 1, minAllowedWeights: 1 });
}

/**
 * The largest matrix (synergy K×K, lossPerQuery K×B) printed by default in --json: 2^20 numbers, about 20 MB of JSON.
 * Larger ones are null unless --synergy / --loss-per-query asks for them (then they are streamed row by row).
 */
export const MAX_DEFAULT_MATRIX_CELLS = 1 << 20;

/** Which K-row matrices a --json document carries. */
export interface ScoreJsonMatrices {
  synergy: boolean;
  lossPerQuery: boolean;
}

/** The matrices a --json document carries by default: each while it holds at most MAX_DEFAULT_MATRIX_CELLS numbers. */
export function defaultMatrices(result: ScoreResult, batchQueries: number): ScoreJsonMatrices {
  const K = result.uids.length;
  return { synergy: K * K <= MAX_DEFAULT_MATRIX_CELLS, lossPerQuery: K * batchQueries <= MAX_DEFAULT_MATRIX_CELLS };
}

/** The fields of the `--json` document in order; the two matrices as row producers, or null when left out. */
function scoreFields(result: ScoreResult, weights: EmittedWeights, m: ScoreJsonMatrices): Array<[string, unknown]> {
  const K = result.uids.length, B = K === 0 ? 0 : result.lossPerQuery.length / K;
  const rows = (xs: () => Float64Array, width: number): MatrixRows => ({ rows: K, row: (k) => Array.from(xs().subarray(k * width, (k + 1) * width), num) });
  return [
    ['uids', result.uids],
    ['responsive', result.responsive],
    ['loss', Array.from(result.loss, num)],
    ['lossPerQuery', m.lossPerQuery ? rows(() => result.lossPerQuery, B) : null],
    ['estParams', Array.from(result.estParams)],
    ['baseParams', Array.from(result.baseParams)],
    ['synergy', m.synergy ? rows(() => result.synergy, K) : null],
    ['synergyTotal', Array.from(result.synergyTotal)],
    ['divergence', Array.from(result.divergence, num)],
    ['divergenceExcess', Array.from(result.divergenceExcess)],
    ['copies', Array.from(result.copies)],
    ['multiplicity', Array.from(result.multiplicity)],
    ['shapley', Array.from(result.shapley)],
    ['weights', weights],
  ];
}

/** A matrix written row by row, so that a large one never exists as one JSON string. */
interface MatrixRows {
  rows: number;
  row(k: number): Array<number | null>;
}

const isMatrix = (v: unknown): v is MatrixRows => typeof v === 'object' && v !== null && typeof (v as MatrixRows).row === 'function';

/** The `--json` document of contracts/weights-and-scores.md, plus the intermediate quantities (every matrix included). */
export function scoreJson(result: ScoreResult, weights: EmittedWeights, m: ScoreJsonMatrices = { synergy: true, lossPerQuery: true }): Record<string, unknown> {
  return Object.fromEntries(scoreFields(result, weights, m).map(([k, v]) => [k, isMatrix(v) ? Array.from({ length: v.rows }, (_, i) => v.row(i)) : v]));
}

/** Writes the `--json` document to stdout, the matrices row by row (waiting for the pipe when it is full). */
async function writeScoreJson(result: ScoreResult, weights: EmittedWeights, m: ScoreJsonMatrices, io: CommandIo): Promise<void> {
  const put = (text: string): Promise<void> => io.stdout(text);
  let first = true;
  for (const [key, value] of scoreFields(result, weights, m)) {
    await put(`${first ? '{' : ','}${JSON.stringify(key)}:`);
    first = false;
    if (!isMatrix(value)) {
      await put(JSON.stringify(value));
      continue;
    }
    await put('[');
    for (let k = 0; k < value.rows; k++) await put(`${k > 0 ? ',' : ''}${JSON.stringify(value.row(k))}`);
    await put(']');
  }
  await put('}\n');
}

/** The command's options, checked. */
export interface ScoreCliOptions {
  /** The batch JSON file, or - for stdin. */
  responses: string;
  json: boolean;
  synergy: boolean;
  lossPerQuery: boolean;
  /** Overrides the batch's params.model; null keeps it. */
  model: ScoringModel | null;
  maxInputMib: number;
}

/**
 * Checks the raw options key by key (the flags before the input is read).
 * @throws InvalidOptionError naming the option
 */
export function parseScoreOptions(raw: { responses?: unknown; json?: unknown; synergy?: unknown; lossPerQuery?: unknown; model?: unknown; maxInputMb?: unknown }): ScoreCliOptions {
  return {
    responses: pathOption('--responses', raw.responses, 'a file, or - for stdin') ?? '-',
    json: flagOption(raw.json),
    synergy: flagOption(raw.synergy),
    lossPerQuery: flagOption(raw.lossPerQuery),
    model: raw.model === undefined ? null : choiceOption('--model', raw.model, SCORING_MODELS),
    maxInputMib: parseMaxInputOption(raw.maxInputMb),
  };
}

/** Scores the batch and writes the tables (or, with json, every quantity). */
export async function runScoreCommand(opts: ScoreCliOptions, io: CommandIo = processIo()): Promise<void> {
  const model = opts.model;
  const request = parseScoreRequest(await readJsonInput(opts.responses, { maxInputMib: opts.maxInputMib }));
  const batch = request.batch;
  const params = model === null ? request.params : { ...request.params, model };
  const result = scoreBatch(batch, params);
  const weights = shapleyWeights(result);
  if (opts.json) {
    const auto = defaultMatrices(result, batch.targets.length);
    const m = { synergy: opts.synergy || auto.synergy, lossPerQuery: opts.lossPerQuery || auto.lossPerQuery };
    const K = result.uids.length;
    if (!m.synergy) io.stderr(`score: synergy is null: the ${K}×${K} matrix is over ${MAX_DEFAULT_MATRIX_CELLS} numbers (--synergy includes it)\n`);
    if (!m.lossPerQuery) io.stderr(`score: lossPerQuery is null: the ${K}×${batch.targets.length} matrix is over ${MAX_DEFAULT_MATRIX_CELLS} numbers (--loss-per-query includes it)\n`);
    await writeScoreJson(result, weights, m, io);
    return;
  }
  const emitted = new Map(weights.uids.map((u, i) => [u, weights.values[i] as number]));
  const fmt = (x: number): string => (Number.isNaN(x) ? '-' : x.toPrecision(5));
  const order = result.uids.map((_, k) => k).sort((a, b) => (result.shapley[b] as number) - (result.shapley[a] as number));
  const table = renderTable(
    [{ header: 'uid' }, { header: 'loss' }, { header: 'base' }, { header: 'synergy' }, { header: 'divergence' }, { header: 'excess' }, { header: 'copies' }, { header: 'multiplicity' }, { header: 'value' }, { header: 'weight (u16)' }],
    order.map((k) => {
      const uid = result.uids[k] as number;
      return [uid, fmt(result.loss[k] as number), fmt(result.baseParams[k] as number), fmt(result.synergyTotal[k] as number), fmt(result.divergence[k] as number), fmt(result.divergenceExcess[k] as number), fmt(result.copies[k] as number), fmt(result.multiplicity[k] as number), fmt(result.shapley[k] as number), emitted.get(uid) ?? 0];
    }),
  );
  const silent = result.responsive.filter((r) => !r).length;
  await io.stdout(`${batch.targets.length} queries, ${result.uids.length} miners (${silent} unresponsive), vocab ${batch.vocab}; model ${params.model}; by value:\n${table}\n`);
  await io.stdout(`weights to emit: ${weights.uids.length} uids (n = max uid + 1, min allowed 1, no limit)\n`);
}

/** `yumaval score`: scores a recorded batch of miner answers (contracts/weights-and-scores.md). */
export function scoreCommand(): Command {
  return new Command('score')
    .description('score a recorded batch of miner answers by informational value (2022 Shapley values), in WebAssembly')
    .requiredOption('-r, --responses <file>', 'batch JSON ({ targets, vocab, responses, params? }), or - for stdin')
    .option('--json', 'print every quantity as JSON on stdout instead of the tables')
    .option('--synergy', `with --json: always include the K×K synergy matrix (by default only while K×K ≤ ${MAX_DEFAULT_MATRIX_CELLS}; else null)`)
    .option('--loss-per-query', `with --json: always include the K×B lossPerQuery matrix (by default only while K×B ≤ ${MAX_DEFAULT_MATRIX_CELLS}; else null)`)
    .option('--model <name>', 'the scoring model: shapley-2022 (the default, the 2022 validator\'s) or redundancy-aware (copies and sybils share one answer\'s value); overrides params.model')
    .option('--max-input-mb <n>', MAX_INPUT_HELP)
    .addHelpText(
      'after',
      '\nEach response is { uid, dense: [[p, ...] per query] }, { uid, topk: [[[outcome, p], ...] per query], floor: [...] },\n' +
        'or { uid, error } (unresponsive). Hostile rows (NaN, negatives, bad ids, all zeros) score the worst loss; only a\n' +
        'malformed batch exits 2. Parameters default to the 2022 validator\'s: see docs/scoring.md.\n' +
        'Batches that cannot fit the engine (B·vocab per dense answer, K ≤ 11585) exit 2 before anything is allocated.',
    )
    .action(async (raw: Record<string, unknown>) => {
      await runScoreCommand(parseScoreOptions(raw));
    });
}
