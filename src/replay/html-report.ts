import { COMPARED_FIELDS } from './types.js';
import type { ReplayReport } from './types.js';

/*
 * The replay's self-contained HTML report (no script, no external resource, works offline): a timeline of the epochs
 * (green: match, red: a difference), a field-by-epoch grid of mismatches, and per mismatching epoch a drill-down of
 * the differing uids with the stored and computed values.
 */

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
const show = (v: unknown): string => esc(typeof v === 'string' ? v : JSON.stringify(v) ?? 'null');

/** The HTML page of a replay report. */
export function renderReplayHtml(r: ReplayReport): string {
  const timeline = r.epochs
    .map((e) => `<a href="#b${e.block}" class="cell ${e.match ? 'ok' : 'bad'}" title="block ${e.block}: ${e.match ? 'match' : 'mismatch'}"></a>`)
    .join('');
  const bad = r.epochs.filter((e) => !e.match);
  const grid = bad.length === 0 ? '<p>Every epoch matched, field for field.</p>' : `<table class="grid"><tr><th>field</th>${bad.map((e) => `<th>${e.block}</th>`).join('')}</tr>${
    COMPARED_FIELDS.map((f) => `<tr><th>${f}</th>${bad.map((e) => {
      const d = e.fields.find((x) => x.field === f);
      return d === undefined ? '<td></td>' : `<td class="bad">${d.uids}</td>`;
    }).join('')}</tr>`).join('')}</table>`;
  const drill = bad.map((e) => `<section id="b${e.block}"><h3>block ${e.block}</h3>${e.diagnosis === null ? '' : `<p class="diag">${esc(e.diagnosis)}</p>`}${
    e.fields.map((f) => `<h4>${f.field}: ${f.uids} uid${f.uids === 1 ? '' : 's'} differ (first ${f.firstUid})</h4><table><tr><th>uid</th><th>chain stored</th><th>replay computed</th></tr>${
      f.sample.map((s) => `<tr><td>${s.uid}</td><td>${show(s.expected)}</td><td>${show(s.got)}</td></tr>`).join('')}</table>${f.uids > f.sample.length ? `<p>and ${f.uids - f.sample.length} more</p>` : ''}`).join('')}</section>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yumaval replay: subnet ${r.netuid}, blocks ${r.from}-${r.to}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
.timeline{display:flex;flex-wrap:wrap;gap:2px;margin:1em 0}
.cell{display:block;width:10px;height:22px;border-radius:2px}
.ok{background:#3a9d5d}.bad{background:#d64541;color:#fff}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;font-variant-numeric:tabular-nums}
.grid td.bad{text-align:center}.diag{background:#fff6d5;padding:.5em}
</style></head><body>
<h1>Replay of subnet ${r.netuid}, blocks ${r.from} to ${r.to}</h1>
<p>${r.summary.matched} of ${r.summary.epochs} epochs match what the chain stored, bit for bit.</p>
<h2>Timeline</h2><div class="timeline">${timeline}</div>
<h2>Mismatches by field and epoch</h2>${grid}
<h2>Differing uids</h2>${drill === '' ? '<p>None.</p>' : drill}
</body></html>
`;
}
