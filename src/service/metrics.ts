import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/*
 * The validator's Prometheus metrics (prom-client), in a Registry of its own rather than prom-client's global one, so
 * that several validators can live in one process (the demo, the tests) without clashing names. The process defaults
 * (CPU, RSS, heap, event-loop lag, handles) are registered in each validator's registry too. docs/validator.md lists
 * every metric.
 */

/** One validator's metrics. */
export interface ValidatorMetrics {
  readonly registry: Registry;
  readonly steps: Counter<'outcome'>;
  readonly stepDuration: Histogram<string>;
  readonly minerQueries: Counter<'status'>;
  readonly submissions: Counter<'call' | 'outcome'>;
  readonly blocksSinceLastUpdate: Gauge<string>;
  readonly vtrust: Gauge<string>;
  readonly vtrustPredicted: Gauge<string>;
  readonly reconnects: Counter<string>;
  readonly lastStepTimestamp: Gauge<string>;
  readonly head: Gauge<string>;
  readonly predictionError: Gauge<'quantity'>;
}

/** Creates the metrics of one validator; `labels` are added to every series (e.g. the netuid and hotkey). */
export function createMetrics(labels: Record<string, string> = {}, withDefaults = true): ValidatorMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  if (withDefaults) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    steps: new Counter({ name: 'yumaval_steps_total', help: 'Steps completed and applied (outcome=applied), or cut short by a stop or failed (outcome=cut|failed)', labelNames: ['outcome'], registers }),
    stepDuration: new Histogram({
      name: 'yumaval_step_duration_seconds', help: 'Wall time of a step: queries, scoring and the store transaction',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60], registers,
    }),
    minerQueries: new Counter({ name: 'yumaval_miner_queries_total', help: 'Requests to miners by the dendrite status (200, 408, 422, 500, 503, ...)', labelNames: ['status'], registers }),
    submissions: new Counter({
      name: 'yumaval_weights_submissions_total', help: 'Weight calls by call (set_weights, commit_weights, reveal_weights, commit_timelocked) and outcome (landed, included, failed, refused, unconfirmed; dropped: a timelocked commit the chain discarded)',
      labelNames: ['call', 'outcome'], registers,
    }),
    blocksSinceLastUpdate: new Gauge({ name: 'yumaval_blocks_since_last_update', help: 'Finalized head minus the LastUpdate of the validator uid', registers }),
    vtrust: new Gauge({ name: 'yumaval_vtrust', help: 'ValidatorTrust of the validator uid as stored on chain (u16 / 65535)', registers }),
    vtrustPredicted: new Gauge({ name: 'yumaval_vtrust_predicted', help: 'ValidatorTrust the exact epoch predicts for the next epoch after the last submission (u16 / 65535)', registers }),
    reconnects: new Counter({ name: 'yumaval_chain_reconnects_total', help: 'Times the chain connection reconnected since the start', registers }),
    lastStepTimestamp: new Gauge({ name: 'yumaval_last_step_timestamp_seconds', help: 'Unix time the last step was applied', registers }),
    head: new Gauge({ name: 'yumaval_finalized_head', help: 'The last finalized block seen', registers }),
    predictionError: new Gauge({ name: 'yumaval_prediction_error', help: 'Chain minus predicted, at the last checked epoch (u16 units): vtrust, dividends, max |incentive|', labelNames: ['quantity'], registers }),
  };
}
