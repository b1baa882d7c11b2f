import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { EpochOutput } from '../yuma/index.js';
import { dividendsPer1000Tao, relativeDividends, stakeAt } from './metrics.js';
import type { Stakes } from './metrics.js';
import type { VariantMetrics } from './summary.js';
import type { EpochSeries, SeriesResult, SimulationResult } from './types.js';

/** An epoch as the report reads it: a whole output, or a series record (bond totals instead of bonds rows). */
type ReportEpoch = EpochOutput | EpochSeries;
/** A result as the report reads it. */
type ReportResult = SimulationResult | SeriesResult;

/*
 * The self-contained HTML report of a simulation: one column per variant, charts of weights (consensus), bonds,
 * dividends, incentive and relative dividends per epoch, and a summary table. The chart library (uPlot) is inlined
 * from node_modules, so the file works offline and fetches nothing when viewed.
 */

const require = createRequire(import.meta.url);

/** One chart: a label per line and a value per epoch. */
interface Chart {
  title: string;
  lines: Array<{ label: string; values: number[] }>;
}

/** The uids with the largest peak magnitude, at most `count`, so that a chart stays readable. */
function top(at: number[][], count: number): number[] {
  const n = at[0]?.length ?? 0;
  const peak = Array.from({ length: n }, (_, u) => Math.max(...at.map((xs) => Math.abs(xs[u] ?? 0) || 0)));
  return peak.map((p, u) => [p, u] as const).filter(([p]) => p > 0).sort((a, b) => b[0] - a[0]).slice(0, count).map(([, u]) => u).sort((a, b) => a - b);
}

function chart(title: string, epochs: ReportEpoch[], pick: (o: ReportEpoch, e: number) => number[], scale = 1 / 65535): Chart {
  const at = epochs.map((o, e) => pick(o, e));
  // NaN (a uid without stake that epoch) becomes a gap in the line: JSON carries it as null.
  return { title, lines: top(at, 12).map((u) => ({ label: `uid ${u}`, values: at.map((xs) => (xs[u] ?? 0) * scale) })) };
}

/** The charts of one variant. */
function variantCharts(epochs: ReportEpoch[], stakes: Stakes | undefined): Chart[] {
  const bondTotals = (o: ReportEpoch): number[] => ('bondTotals' in o ? o.bondTotals : o.bonds.map((row) => row.reduce((a, [, v]) => a + v, 0)));
  return [
    chart('Weights: consensus per miner', epochs, (o) => o.consensus),
    chart('Bonds: sum of each validator\'s stored bonds (u16 units / 65535)', epochs, bondTotals),
    chart('Dividends (share)', epochs, (o) => o.dividends),
    ...(stakes === undefined ? [] : [chart('Dividends per 1000 TAO of stake per epoch (TAO)', epochs, (o, e) => dividendsPer1000Tao(o, stakeAt(stakes, e)), 1)]),
    chart('Incentive (share)', epochs, (o) => o.incentive),
    chart('Relative dividends (dividend share − stake share)', epochs, relativeDividends, 1),
  ];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** The summary table: the last epoch of every variant, per uid with stake or incentive. */
function summaryTable(result: ReportResult): string {
  const last = result.variants.map((v) => v.epochs[v.epochs.length - 1]);
  const n = last[0]?.dividends.length ?? 0;
  const uids = Array.from({ length: n }, (_, u) => u).filter((u) => last.some((o) => o !== undefined && ((o.stakeWeight[u] ?? 0) > 0 || (o.incentive[u] ?? 0) > 0)));
  const pct = (x: number): string => `${((x / 65535) * 100).toFixed(2)}%`;
  const head = `<tr><th>uid</th>${result.variants.map((v) => `<th>${escapeHtml(v.name)}: dividends</th><th>relative</th><th>incentive</th>`).join('')}</tr>`;
  const rows = uids.map((u) => `<tr><td>${u}</td>${last.map((o) => {
    if (o === undefined) return '<td></td><td></td><td></td>';
    return `<td>${pct(o.dividends[u] ?? 0)}</td><td>${(relativeDividends(o)[u] ?? 0).toFixed(3)}</td><td>${pct(o.incentive[u] ?? 0)}</td>`;
  }).join('')}</tr>`);
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The run's metrics per variant: copier gains, cartel gain, instability, and each validator's dividends. */
function metricsTable(metrics: VariantMetrics[]): string {
  const f = (x: number | null): string => (x === null || Number.isNaN(x) ? '–' : x.toFixed(4));
  const uids = [...new Set(metrics.flatMap((m) => Object.keys(m.validators).map(Number)))].sort((a, b) => a - b);
  const copiers = [...new Set(metrics.flatMap((m) => Object.keys(m.copierGain).map(Number)))];
  const head = `<tr><th>variant</th>${copiers.map((u) => `<th>copier ${u} G</th>`).join('')}<th>cartel gain</th><th>incentive instability</th>${
    uids.map((u) => `<th>uid ${u}: per 1000 TAO</th><th>relative</th><th>vs honest</th>`).join('')}</tr>`;
  const rows = metrics.map((m) => `<tr><td>${escapeHtml(m.name)}</td>${copiers.map((u) => `<td>${f(m.copierGain[u] ?? null)}</td>`).join('')}<td>${f(m.cartelGain)}</td><td>${f(m.incentiveInstability)}</td>${
    uids.map((u) => { const v = m.validators[u]; return v === undefined ? '<td></td><td></td><td></td>' : `<td>${f(v.dividendsPer1000Tao)}</td><td>${f(v.relativeDividends)}</td><td>${f(v.vsHonest)}</td>`; }).join('')}</tr>`);
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** What a report may add to the per-epoch outputs. */
export interface ReportExtras {
  /** The stakes per epoch (or one vector), for the dividends-per-1000-TAO chart. */
  stakes?: Stakes;
  /** The run's metrics, shown as a table (means over the run). */
  metrics?: VariantMetrics[];
}

/** The HTML report of a simulation result, with the chart library inlined. */
export function renderReport(result: ReportResult, title: string, extras: ReportExtras = {}): string {
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const data = result.variants.map((v) => ({ name: v.name, charts: variantCharts(v.epochs, extras.stakes) }));
  // JSON inside a script element: no "</script>" may appear in it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${css}
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
.grid{display:grid;grid-template-columns:repeat(${Math.max(1, data.length)},minmax(420px,1fr));gap:16px}
h2{font-size:16px;margin:8px 0}h3{font-size:13px;margin:12px 0 4px;font-weight:600}
table{border-collapse:collapse;font-size:12px;margin-top:16px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>yumaval simulation report: ${data.length} variant(s), ${result.variants[0]?.epochs.length ?? 0} epochs. Shares are of 65535; relative dividends are dividend share minus stake share (0: paid in proportion to stake).</p>
<div class="grid" id="grid"></div>
${extras.metrics === undefined ? '' : `<h2>Metrics (means over the run)</h2>\n${metricsTable(extras.metrics)}`}
<h2>Last epoch</h2>
${summaryTable(result)}
<script>${js}</script>
<script>
const REPORT = ${json};
const colors = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#637939'];
const grid = document.getElementById('grid');
for (const variant of REPORT) {
  const col = document.createElement('div');
  col.innerHTML = '<h2></h2>';
  col.querySelector('h2').textContent = variant.name;
  grid.appendChild(col);
  for (const c of variant.charts) {
    const h = document.createElement('h3'); h.textContent = c.title; col.appendChild(h);
    const el = document.createElement('div'); el.className = 'chart'; col.appendChild(el);
    const xs = (c.lines[0] ? c.lines[0].values : []).map((_, e) => e);
    const opts = { width: 420, height: 180, scales: { x: { time: false } },
      series: [{ label: 'epoch' }].concat(c.lines.map((l, k) => ({ label: l.label, stroke: colors[k % colors.length], width: 1.5 }))) };
    new uPlot(opts, [xs].concat(c.lines.map((l) => l.values)), el);
  }
}
</script></body></html>
`;
}

/** Every epoch's outputs of one variant as CSV: one line per epoch and uid. */
export function toCsv(epochs: ReadonlyArray<ReportEpoch>, first = 0, header = true): string {
  const lines = header ? ['epoch,uid,active,validatorPermit,stakeWeight,consensus,incentive,dividends,validatorTrust,serverEmission,validatorEmission,emission'] : [];
  epochs.forEach((o, i) => {
    const e = first + i;
    for (let u = 0; u < o.dividends.length; u++) {
      lines.push([e, u, o.active[u], o.validatorPermit[u], o.stakeWeight[u], o.consensus[u], o.incentive[u], o.dividends[u], o.validatorTrust[u], o.serverEmission[u], o.validatorEmission[u], o.emission[u]].join(','));
    }
  });
  return `${lines.join('\n')}\n`;
}
