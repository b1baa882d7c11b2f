import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DemoRun } from './run-demo.js';
import { dividendsPer1000, type DemoSummary } from './summary.js';

/*
 * The demo's report: one self-contained HTML file (uPlot and its CSS inlined, as src/simulation/report.ts does; no
 * request leaves the page). The data go in as JSON and the page builds its charts and tables with textContent, so no
 * label is ever parsed as HTML.
 */

const require = createRequire(import.meta.url);
const U16 = 65535;

interface Chart { id: string; title: string; labels: string[]; series: Array<Array<number | null>> }

const nullable = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The charts of a run: per-epoch series, one line per miner or validator. */
export function demoCharts(run: DemoRun): Chart[] {
  const recs = run.records;
  const miners = run.miners;
  const vals = run.validators;
  const honest = vals.filter((v) => v.role === 'honest');
  return [
    { id: 'incentive', title: 'Miner incentive over the epochs (share of 1)', labels: miners.map((m) => `${m.label} (q ${m.quality})`),
      series: miners.map((m) => recs.map((r) => (r.incentive[m.uid] ?? 0) / U16)) },
    { id: 'vtrust', title: 'Validator trust over the epochs', labels: vals.map((v) => `${v.label} (${v.role}, ${v.stakeTao} TAO)`),
      series: vals.map((v) => recs.map((r) => (r.vtrust[v.uid] ?? 0) / U16)) },
    { id: 'dividends', title: 'Dividends per 1,000 TAO staked, per epoch (TAO)', labels: vals.map((v) => `${v.label} (${v.role})`),
      series: vals.map((v) => recs.map((r) => nullable(dividendsPer1000(r, v.uid)))) },
    { id: 'prediction', title: 'Predicted (before submitting) and actual vtrust of the honest validators',
      labels: honest.flatMap((v) => [`${v.label} predicted`, `${v.label} actual`]),
      series: honest.flatMap((v) => [recs.map((r) => (r.predicted[v.label] === undefined ? null : (r.predicted[v.label] as number) / U16)), recs.map((r) => (r.vtrust[v.uid] ?? 0) / U16)]) },
  ];
}

/** The HTML report of a run and its summary. */
export function renderDemoReport(run: DemoRun, summary: DemoSummary): string {
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const data = { charts: demoCharts(run), summary, epochBlocks: run.records.map((r) => r.block) };
  // JSON inside a script element: no "</script>" may appear in it.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yumaval demo report</title>
<style>${css}
body{font-family:system-ui,sans-serif;margin:16px;color:#222;max-width:1300px}
.grid{display:grid;grid-template-columns:repeat(2,minmax(520px,1fr));gap:16px}
h2{font-size:16px;margin:16px 0 6px}h3{font-size:13px;margin:12px 0 4px;font-weight:600}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child,th:first-child{text-align:left}
p{font-size:13px}
</style></head><body>
<h1>yumaval demo: one subnet on a loopback devnet</h1>
<p id="about"></p>
<h2>Does informational value pay the miners who add it?</h2>
<p id="rank"></p>
<p>Each task's contribution: the last columns give each miner's mean share of a step's Shapley mass over the honest validators' steps of that task (the score book's EMA then mixes the tasks).</p>
<table id="miners"></table>
<h2>Does the scoring model pay copies and sybils?</h2>
<p id="models-about"></p>
<table id="models"></table>
<h2>Does mutual scoring resist the validators who copy or collude?</h2>
<table id="validators"></table>
<div class="grid" id="grid"></div>
<script>${js}</script>
<script>
const REPORT = ${json};
const S = REPORT.summary;
const f = (x, d = 4) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toFixed(d));
document.getElementById('about').textContent = S.yuma + (S.liquidAlpha ? ' with liquid alpha' : '') + (S.commitReveal ? ', commit-reveal' : '') +
  '; ' + S.epochs + ' epochs recorded in ' + S.wallSeconds + ' s; means are over epochs ' + S.meanFrom + '..' + (S.epochs - 1) + ' (the second half).';
document.getElementById('rank').textContent = 'Spearman correlation of the final incentive with the true quality: ' + f(S.spearman, 3) +
  '. Oracles ranked by quality: ' + (S.oraclesRanked ? 'yes' : 'no') + '. Every failure profile at 0: ' + (S.failuresZero ? 'yes' : 'no') + '.';
function table(el, head, rows) {
  const t = document.getElementById(el);
  const tr = document.createElement('tr');
  for (const h of head) { const th = document.createElement('th'); th.textContent = h; tr.appendChild(th); }
  t.appendChild(tr);
  for (const r of rows) {
    const row = document.createElement('tr');
    for (const c of r) { const td = document.createElement('td'); td.textContent = c; row.appendChild(td); }
    t.appendChild(row);
  }
}
const tasks = Object.keys(S.taskSteps);
table('miners', ['miner', 'uid', 'profile', 'true quality', 'final incentive', 'mean incentive (2nd half)'].concat(tasks.map((t) => 'share of ' + t + ' steps (' + S.taskSteps[t] + ')')),
  S.miners.map((m) => [m.label, m.uid, m.profile, f(m.quality, 1), f(m.finalIncentive), f(m.meanIncentive)].concat(tasks.map((t) => f(m.taskShare[t])))));
table('validators', ['validator', 'role', 'uid', 'stake (TAO)', 'mean vtrust', 'dividends per 1,000 TAO', 'vs honest of the same stake', 'mean |predicted - actual| vtrust'],
  S.validators.map((v) => [v.label, v.role, v.uid, v.stakeTao, f(v.meanVtrust), f(v.dividendsPer1000Tao, 6), v.gainVsHonest === null ? '-' : (v.gainVsHonest * 100).toFixed(1) + '%', f(v.predictionError)]));
if (S.models) {
  const c = S.models;
  document.getElementById('models-about').textContent = 'The live run scored with ' + S.scoringModel + '. Below, the same miners answer the same queries offline and both honest validators score them under each model for ' + c.epochs +
    ' epochs (with the run’s Yuma): the incentive share of the sybil group (' + c.sybilGroup.join(', ') + ', perturbed copies of ' + c.sybilBase + ') and of the copier (copies ' + c.copied +
    '), beside the miners they copy, and what those earn in the same subnet without the group, or without the copier ("alone").';
  table('models', ['model', 'sybil group', c.sybilBase + ' beside it', 'group + ' + c.sybilBase, c.sybilBase + ' alone', 'copier', c.copied + ' beside it', 'copier + ' + c.copied, c.copied + ' alone', 'sybil group: share of step scores', 'copier: share of step scores'],
    c.models.map((m) => [m.model, f(m.incentive.sybilGroup), f(m.incentive.sybilBase), f(m.incentive.sybilGroup + m.incentive.sybilBase), f(m.alone.sybilBase),
      f(m.incentive.copier), f(m.incentive.copied), f(m.incentive.copier + m.incentive.copied), f(m.alone.copied), f(m.scoreShare.sybilGroup), f(m.scoreShare.copier)]));
} else {
  document.getElementById('models-about').textContent = 'The run was interrupted: no comparison of the scoring models.';
}
const colors = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf','#393b79','#637939','#8c6d31','#843c39','#7b4173','#3182bd'];
const grid = document.getElementById('grid');
for (const c of REPORT.charts) {
  const col = document.createElement('div');
  const h = document.createElement('h3'); h.textContent = c.title; col.appendChild(h);
  const el = document.createElement('div'); el.className = 'chart'; el.id = 'chart-' + c.id; col.appendChild(el);
  grid.appendChild(col);
  const xs = REPORT.epochBlocks.map((_, e) => e);
  const opts = { width: 560, height: 260, scales: { x: { time: false } },
    series: [{ label: 'epoch' }].concat(c.labels.map((l, k) => ({ label: l, stroke: colors[k % colors.length], width: 1.5, dash: c.id === 'prediction' && k % 2 === 0 ? [4, 3] : undefined }))) };
  new uPlot(opts, [xs].concat(c.series), el);
}
</script></body></html>
`;
}
