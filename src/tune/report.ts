import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OBJECTIVES } from './objective-defs.js';
import { PARAMS, type ParamValue } from './params.js';
import { rankByPrimary } from './search.js';
import type { Space } from './space.js';
import type { SweepResult } from './sweep.js';
import type { SweepDefinition, TrialResult } from './types.js';

/*
 * The sweep's self-contained HTML report: the front (a table and a chart of the first two objectives, every trial in
 * grey, the front in red), the best trials by the first objective, and each parameter's effect on each objective (a
 * scatter per pair). The chart library (uPlot) is inlined from node_modules as in the simulation report, so the file
 * works offline and fetches nothing.
 */

const require = createRequire(import.meta.url);

/** A scatter chart: sorted x, and series of y (null where a point is not in that series). */
interface Scatter {
  title: string;
  xLabel: string;
  x: number[];
  series: Array<{ label: string; color: string; y: Array<number | null> }>;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

/** A parameter value on a chart's x axis: booleans 0/1, a choice its index in the parameter's declared list. */
const asNumber = (v: ParamValue | undefined, choices: readonly string[]): number => (typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' ? choices.indexOf(v) : (v ?? Number.NaN));
const fmt = (v: ParamValue | null | undefined): string => (v === null || v === undefined ? '–' : typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(5)) : String(v));

/** Points (x, y) of the trials that have both, sorted by x; the front's in their own series. */
function scatter(title: string, xLabel: string, trials: readonly TrialResult[], front: ReadonlySet<string>, x: (t: TrialResult) => number, y: (t: TrialResult) => number | null): Scatter {
  const pts = trials.map((t) => ({ x: x(t), y: y(t), onFront: front.has(t.id) })).filter((p) => Number.isFinite(p.x) && p.y !== null && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
  return {
    title, xLabel, x: pts.map((p) => p.x),
    series: [
      { label: 'trials', color: '#999999', y: pts.map((p) => (p.onFront ? null : p.y)) },
      { label: 'front', color: '#d62728', y: pts.map((p) => (p.onFront ? p.y : null)) },
    ],
  };
}

function table(trials: readonly TrialResult[], params: readonly string[], objectives: readonly string[]): string {
  const head = `<tr><th>trial</th>${params.map((p) => `<th>${escapeHtml(p)}</th>`).join('')}${objectives.map((o) => `<th>${escapeHtml(o)} (${OBJECTIVES[o]?.direction ?? ''})</th>`).join('')}</tr>`;
  const rows = trials.map((t) => `<tr><td>${escapeHtml(t.id)}</td>${params.map((p) => `<td>${fmt(t.params[p])}</td>`).join('')}${objectives.map((o) => `<td>${fmt(t.objectives[o])}</td>`).join('')}</tr>`);
  return `<table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The HTML report of a sweep. */
export function renderTuneReport(result: SweepResult, definition: SweepDefinition, space: Space, top = 10): string {
  const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const objectives = definition.objectives;
  const params = space.dims.map((d) => d.name);
  const front = new Set(result.front);
  // Successive halving's short-budget rungs are not comparable with full runs: the charts show the full-budget trials.
  const full = result.trials.filter((t) => t.epochs === null);
  const charts: Scatter[] = [];
  if (objectives.length >= 2) {
    const [a, b] = objectives as [string, string];
    charts.push(scatter(`Front: ${b} against ${a}`, a, full, front, (t) => t.objectives[a] ?? Number.NaN, (t) => t.objectives[b] ?? null));
  }
  for (const p of params) {
    const choices = PARAMS[p]?.choices ?? [];
    const label = choices.length > 0 ? `${p} (${choices.map((c, i) => `${i}: ${c}`).join(', ')})` : p;
    for (const o of objectives) charts.push(scatter(`${o} by ${p}`, label, full, front, (t) => asNumber(t.params[p], choices), (t) => t.objectives[o] ?? null));
  }
  const json = JSON.stringify(charts).replace(/</g, '\\u003c');
  const best = rankByPrimary(full, objectives[0] as string, space).slice(0, top);
  const frontTrials = full.filter((t) => front.has(t.id));
  const sources = definition.sources.map((s) => s.name).join(', ') || 'offline validator (task and miner profiles)';
  const constraints = Object.entries(space.constraints).map(([o, c]) => `${o}${c.min !== undefined ? ` ≥ ${c.min}` : ''}${c.max !== undefined ? ` ≤ ${c.max}` : ''}`).join(', ') || 'none';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yumaval tune ${escapeHtml(result.sweep)}</title>
<style>${css}
body{font-family:system-ui,sans-serif;margin:16px;color:#222}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:16px}
h2{font-size:16px;margin:16px 0 8px}h3{font-size:13px;margin:8px 0 4px;font-weight:600}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
</style></head><body>
<h1>yumaval tune: sweep ${escapeHtml(result.sweep)}</h1>
<p>${result.trials.length} trials (${result.ran} run by this invocation), ${escapeHtml(definition.search)} search, seed ${definition.seed}, ${escapeHtml(definition.mode)} engine.
Sources: ${escapeHtml(sources)}. Objectives: ${objectives.map((o) => `${escapeHtml(o)} (${OBJECTIVES[o]?.direction === 'max' ? 'higher' : 'lower'} is better)`).join(', ')}. Constraints: ${escapeHtml(constraints)}.</p>
<h2>Pareto front (${frontTrials.length} trials)</h2>
${table(frontTrials, params, objectives)}
<h2>Best ${best.length} trials by ${escapeHtml(objectives[0] as string)}</h2>
${table(best, params, objectives)}
<h2>Charts</h2>
<div class="grid" id="grid"></div>
<script>${js}</script>
<script>
const CHARTS = ${json};
const grid = document.getElementById('grid');
for (const c of CHARTS) {
  const box = document.createElement('div');
  const h = document.createElement('h3'); h.textContent = c.title; box.appendChild(h);
  const el = document.createElement('div'); el.className = 'chart'; box.appendChild(el);
  grid.appendChild(box);
  const opts = { width: 440, height: 220, scales: { x: { time: false } }, legend: { show: true },
    axes: [{ label: c.xLabel }, {}],
    series: [{ label: c.xLabel }].concat(c.series.map((s) => ({ label: s.label, stroke: s.color, paths: () => null, points: { show: true, size: 6, fill: s.color } }))) };
  new uPlot(opts, [c.x].concat(c.series.map((s) => s.y)), el);
}
</script></body></html>
`;
}
