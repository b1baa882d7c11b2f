import { Command } from 'commander';
import { parseScoreRequest } from '../scoring/parse-batch.js';
import { scoreBatch } from '../scoring/score.js';
import type { ScoreResult } from '../scoring/types.js';
import { processAndEmit } from '../scoring/weights/index.js';
import type { EmittedWeights } from '../scoring/weights/index.js';
import { readJsonInput, writeJson } from './read-input.js';
import { renderTable } from './table.js';

/** JSON has no NaN: an unresponsive miner's loss and divergence become null. */
const num = (x: number): number | null => (Number.isNaN(x) ? null : x);

/** The weights the Shapley vector would be emitted as: the SDK processing with n = max uid + 1, min 1, no limit. */
export function shapleyWeights(result: ScoreResult): EmittedWeights {
  if (result.uids.length === 0) return { uids: [], values: [] };
  return processAndEmit({ uids: result.uids, weights: result.shapley, n: Math.max(...result.uids) + 1, minAllowedWeights: 1 });
}

/** The `--json` document of contracts/weights-and-scores.md, plus the intermediate quantities. */
export function scoreJson(result: ScoreResult, weights: EmittedWeights): Record<string, unknown> {
  const K = result.uids.length, B = K === 0 ? 0 : result.lossPerQuery.length / K;
  const rows = (xs: Float64Array, width: number): Array<Array<number | null>> =>
    Array.from({ length: K }, (_, k) => Array.from(xs.subarray(k * width, (k + 1) * width), num));
  return {
    uids: result.uids,
    responsive: result.responsive,
    loss: Array.from(result.loss, num),
    lossPerQuery: rows(result.lossPerQuery, B),
    estParams: Array.from(result.estParams),
    baseParams: Array.from(result.baseParams),
    synergy: rows(result.synergy, K),
    synergyTotal: Array.from(result.synergyTotal),
    divergence: Array.from(result.divergence, num),
    divergenceExcess: Array.from(result.divergenceExcess),
    shapley: Array.from(result.shapley),
    weights,
  };
}

/** `yumaval score`: scores a recorded batch of miner answers (contracts/weights-and-scores.md). */
export function scoreCommand(): Command {
  return new Command('score')
    .description('score a recorded batch of miner answers by informational value (2022 Shapley values), in WebAssembly')
    .requiredOption('-r, --responses <file>', 'batch JSON ({ targets, vocab, responses, params? }), or - for stdin')
    .option('--json', 'print every quantity as JSON on stdout instead of the tables')
    .addHelpText(
      'after',
      '\nEach response is { uid, dense: [[p, ...] per query] }, { uid, topk: [[[outcome, p], ...] per query], floor: [...] },\n' +
        'or { uid, error } (unresponsive). Hostile rows (NaN, negatives, bad ids, all zeros) score the worst loss; only a\n' +
        'malformed batch exits 2. Parameters default to the 2022 validator\'s: see docs/scoring.md.',
    )
    .action(async (opts: { responses: string; json?: boolean }) => {
      const { batch, params } = parseScoreRequest(await readJsonInput(opts.responses));
      const result = scoreBatch(batch, params);
      const weights = shapleyWeights(result);
      if (opts.json === true) {
        writeJson(scoreJson(result, weights));
        return;
      }
      const emitted = new Map(weights.uids.map((u, i) => [u, weights.values[i] as number]));
      const fmt = (x: number): string => (Number.isNaN(x) ? '-' : x.toPrecision(5));
      const order = result.uids.map((_, k) => k).sort((a, b) => (result.shapley[b] as number) - (result.shapley[a] as number));
      const table = renderTable(
        [{ header: 'uid' }, { header: 'loss' }, { header: 'base' }, { header: 'synergy' }, { header: 'divergence' }, { header: 'excess' }, { header: 'shapley' }, { header: 'weight (u16)' }],
        order.map((k) => {
          const uid = result.uids[k] as number;
          return [uid, fmt(result.loss[k] as number), fmt(result.baseParams[k] as number), fmt(result.synergyTotal[k] as number), fmt(result.divergence[k] as number), fmt(result.divergenceExcess[k] as number), fmt(result.shapley[k] as number), emitted.get(uid) ?? 0];
        }),
      );
      const silent = result.responsive.filter((r) => !r).length;
      process.stdout.write(`${batch.targets.length} queries, ${result.uids.length} miners (${silent} unresponsive), vocab ${batch.vocab}; by Shapley value:\n${table}\n`);
      process.stdout.write(`weights to emit: ${weights.uids.length} uids (n = max uid + 1, min allowed 1, no limit)\n`);
    });
}
