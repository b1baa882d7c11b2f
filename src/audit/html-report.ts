import type { Agreement } from './agreement.js';
import type { AuditReport, Finding, Pricing } from './types.js';

/*
 * The audit's self-contained HTML report (inline SVG, no script, nothing loaded: it works offline and in a locked-down
 * viewer). The ranked findings table, then per finding its evidence charts: the similarity to the lagged and to the
 * current consensus over time (copiers), the validator's and the consensus's share of its own miners (self-dealing),
 * the group's agreement over time and its favoured miners (cartels),
 * and the counterfactual dividends per epoch; and the clustered agreement matrix of the validators.
 */

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

interface Line { label: string; color: string; values: Array<number | null> }

/** A line chart as inline SVG over x = 0..len-1, with the blocks as the x labels. */
function lineChart(title: string, blocks: number[], lines: Line[], yLabel: string): string {
  const W = 640, H = 220, L = 60, R = 10, T = 24, B = 30;
  const all = lines.flatMap((l) => l.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (all.length === 0 || blocks.length === 0) return `<p>${esc(title)}: no data.</p>`;
  let lo = Math.min(...all), hi = Math.max(...all);
  if (hi === lo) { hi += 1; lo -= 1; }
  const x = (i: number): number => L + (blocks.length === 1 ? 0 : (i / (blocks.length - 1)) * (W - L - R));
  const y = (v: number): number => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const paths = lines.map((l) => {
    let d = '', pen = false;
    l.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.5"><title>${esc(l.label)}</title></path>`;
  }).join('');
  const fmt = (v: number): string => (Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3));
  const legend = lines.map((l, i) => `<text x="${L + 10 + i * 200}" y="14" fill="${l.color}">■ ${esc(l.label)}</text>`).join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">
<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="#fafafa" stroke="#ccc"/>${legend}
<text x="4" y="${T + 8}">${fmt(hi)}</text><text x="4" y="${H - B}">${fmt(lo)}</text>
<text x="${L}" y="${H - 8}">block ${blocks[0]}</text><text x="${W - R - 90}" y="${H - 8}">block ${blocks[blocks.length - 1]}</text>
<text x="4" y="${H / 2}" transform="rotate(-90 10 ${H / 2})">${esc(yLabel)}</text>${paths}</svg></figure>`;
}

/** The agreement matrix as a heat map (darker: more agreement), flagged validators' labels in red. */
function heatMap(a: Agreement, flagged: ReadonlySet<number>): string {
  const V = a.uids.length;
  if (V === 0) return '<p>No validator set weights.</p>';
  const c = Math.max(4, Math.min(24, Math.floor(480 / V))), off = 40;
  // The colour spans the off-diagonal range: agreement is high everywhere in a healthy subnet, and the differences
  // are what the eye should see.
  const off_ = a.matrix.flatMap((row, i) => row.filter((_, k) => k !== i));
  const lo = off_.length === 0 ? 0 : Math.min(...off_), hi = off_.length === 0 ? 1 : Math.max(...off_);
  const cells = a.matrix.flatMap((row, i) => row.map((v, k) => {
    const shade = Math.round(235 * (1 - Math.min(1, Math.max(0, (v - lo) / Math.max(hi - lo, 1e-9)))));
    return `<rect x="${off + k * c}" y="${off + i * c}" width="${c}" height="${c}" fill="rgb(${shade},${shade},255)"><title>${a.uids[i]} · ${a.uids[k]}: ${v.toFixed(3)}</title></rect>`;
  })).join('');
  const labels = c >= 10 ? a.uids.map((u, i) => `<text x="2" y="${off + i * c + c - 2}" font-size="${Math.min(11, c)}" fill="${flagged.has(u) ? '#d00' : '#333'}">${u}</text><text x="${off + i * c}" y="${off - 4}" font-size="${Math.min(11, c)}" fill="${flagged.has(u) ? '#d00' : '#333'}">${u}</text>`).join('') : '';
  const size = off + V * c + 4;
  return `<figure><figcaption>Agreement of the validators' rows (mean Σ min over the last epochs), clustered; white ${lo.toFixed(3)}, blue ${hi.toFixed(3)}; flagged uids in red</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" role="img" aria-label="agreement matrix">${labels}${cells}</svg></figure>`;
}

interface Favoured { uid: number; groupShare: number; consensusShare: number; restShare: number; excess: number }

/** A cartel's favoured miners: its stake-weighted share of each, the consensus's, and the rest's consensus's. */
function favouredTable(fs: Favoured[]): string {
  const bar = (v: number, color: string): string => `<svg width="120" height="10" role="img" aria-label="${v.toFixed(3)}"><rect width="${Math.round(120 * Math.min(1, Math.max(0, v)))}" height="10" fill="${color}"/></svg> ${v.toFixed(3)}`;
  const rows = fs.map((m) => `<tr><td>${m.uid}</td><td>${bar(m.groupShare, '#d64541')}</td><td>${bar(m.consensusShare, '#888')}</td><td>${bar(m.restShare, '#2f6fb5')}</td><td>${m.excess.toFixed(3)}</td></tr>`).join('');
  return `<figure><figcaption>Favoured miners: the group's share against the consensus and the consensus of the rest (without the group)</figcaption><table><tr><th>miner</th><th>group</th><th>consensus</th><th>rest's consensus</th><th>excess</th></tr>${rows}</table></figure>`;
}

function findingSection(f: Finding, i: number): string {
  const charts: string[] = [];
  const ev = f.evidence;
  if (f.kind === 'copier') {
    const chart = ev['chart'] as Array<{ block: number; lagged: number | null; current: number | null }>;
    charts.push(lineChart(`uid ${f.validators[0]}: similarity to the consensus published ${String(ev['lag'])} epoch(s) earlier and to the current one`, chart.map((p) => p.block),
      [{ label: `lag ${String(ev['lag'])}`, color: '#d64541', values: chart.map((p) => p.lagged) }, { label: 'current', color: '#2f6fb5', values: chart.map((p) => p.current) }], 'Σ min'));
  } else if (f.kind === 'self-dealing') {
    const chart = ev['chart'] as Array<{ block: number; validator: number; consensus: number }>;
    charts.push(lineChart(`uid ${f.validators[0]}: share of its own-coldkey miners (${f.miners.join(', ')})`, chart.map((p) => p.block),
      [{ label: 'validator', color: '#d64541', values: chart.map((p) => p.validator) }, { label: 'consensus', color: '#2f6fb5', values: chart.map((p) => p.consensus) }], 'share'));
  } else if (f.kind === 'cartel') {
    const chart = ev['chart'] as Array<{ block: number; agreement: number | null; null: number }>;
    charts.push(lineChart(`validators ${f.validators.join(', ')}: mean cosine of their deviations from the consensus, and the median pair's`, chart.map((q) => q.block),
      [{ label: 'group', color: '#d64541', values: chart.map((q) => q.agreement) }, { label: 'median pair (null)', color: '#2f6fb5', values: chart.map((q) => q.null) }], 'cosine'));
    charts.push(favouredTable(ev['favoured'] as Favoured[]));
  }
  const p = ev['pricing'] as Pricing | null | undefined;
  if (p !== null && p !== undefined) {
    charts.push(lineChart('Validator emission per epoch, rao: as it happened and with honest rows', p.perEpoch.map((e) => e.block),
      [{ label: 'factual', color: '#d64541', values: p.perEpoch.map((e) => e.factual) }, { label: 'counterfactual', color: '#2f6fb5', values: p.perEpoch.map((e) => e.counterfactual) }], 'rao'));
  }
  const stats = Object.entries(ev).filter(([k, v]) => k !== 'chart' && k !== 'pricing' && k !== 'favoured' && (typeof v !== 'object' || v === null || Array.isArray(v)))
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'number' ? String(Number(v.toPrecision(6))) : JSON.stringify(v))}</td></tr>`).join('');
  const priced = p === null || p === undefined ? '<p>Not priced.</p>' : `<table><tr><th>dividends gained, rao</th><td>${esc(p.dividendsGainRao)}</td></tr><tr><th>dividends ratio (factual / counterfactual)</th><td>${p.dividendsRatio === null ? '-' : p.dividendsRatio.toFixed(4)}</td></tr><tr><th>favoured miners' emission gained, rao</th><td>${esc(p.minersGainRao)}</td></tr><tr><th>honest validators lost, rao</th><td>${esc(p.honestLossRao)}</td></tr></table>`;
  return `<section id="f${i}"><h3>${i + 1}. ${f.kind}: validator${f.validators.length === 1 ? '' : 's'} ${f.validators.join(', ')}${f.miners.length > 0 ? `, miners ${f.miners.join(', ')}` : ''}</h3>
<p>blocks ${f.from}-${f.to}; statistic ${f.statistic.toFixed(4)}, p = ${f.pValue.toFixed(4)}, gain ${esc(f.gainRao)} rao</p>${priced}<table>${stats}</table>${charts.join('')}</section>`;
}

/** The HTML page of an audit report and its validators' agreement matrix. */
export function renderAuditHtml(r: AuditReport, agreement?: Agreement): string {
  const flagged = new Set(r.validators.filter((v) => v.flags.length > 0).map((v) => v.uid));
  const rows = r.findings.map((f, i) => `<tr><td><a href="#f${i}">${i + 1}</a></td><td>${f.kind}</td><td>${f.validators.join(' ')}</td><td>${f.miners.join(' ')}</td><td>${f.from}-${f.to}</td><td>${f.statistic.toFixed(4)}</td><td>${f.pValue.toFixed(4)}</td><td>${esc(f.gainRao)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>yumaval audit: blocks ${r.from}-${r.to}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1em 0}figcaption{font-weight:600;margin-bottom:.3em}svg text{font:11px system-ui,sans-serif}
</style></head><body>
<h1>Audit of ${r.epochs} epochs, blocks ${r.from} to ${r.to}</h1>
<p>${r.findings.length} finding(s); ${flagged.size} of ${r.validators.length} validators flagged. Ranked by rao gained (docs/audit.md defines each statistic).</p>
<table id="findings"><tr><th>#</th><th>kind</th><th>validators</th><th>miners</th><th>blocks</th><th>statistic</th><th>p</th><th>gain (rao)</th></tr>${rows}</table>
<h2>Validators</h2>${agreement === undefined ? '<p>No agreement matrix.</p>' : heatMap(agreement, flagged)}
<h2>Findings</h2>${r.findings.length === 0 ? '<p>None.</p>' : r.findings.map(findingSection).join('')}
</body></html>
`;
}
