import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../audit/built-cli.js';
import { plantedScenario } from '../audit/planted.js';

/*
 * `yumaval audit` end to end on the built CLI (dist/cli.js, `npm run tsbuild`): a planted copier scenario through
 * `yumaval simulate --out` (which writes <variant>.history.jsonl), audited from the JSON Lines and, after
 * `yumaval archive import`, from the SQLite archive (the same JSON); input errors exit 2; the HTML report opens in
 * chromium (playwright-core), draws its charts, fetches nothing, and a screenshot goes to test/artifacts/.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

const cli = (args: string[]): ReturnType<typeof runBuiltCli> => runBuiltCli(args, 120_000);

describe('yumaval audit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-audit-'));
  const history = join(dir, 'sim', 'default.history.jsonl');
  let fromHistory: { findings: Array<{ kind: string; validators: number[]; gainRao: string; evidence: Record<string, unknown> }>; validators: Array<{ uid: number; flags: string[] }> };

  beforeAll(() => {
    const scenario = join(dir, 'copier.json');
    writeFileSync(scenario, JSON.stringify(plantedScenario({ kind: 'copier', lag: 2 }, 4242, 40)));
    const sim = cli(['simulate', scenario, '--out', join(dir, 'sim')]);
    expect(sim.status, sim.stderr).toBe(0);
  }, 120_000);

  it('simulate --out writes one history line per epoch, in the archive interchange format', () => {
    const lines = readFileSync(history, 'utf8').trim().split('\n');
    expect(lines.length).toBe(40);
    const first = JSON.parse(lines[0]!) as { netuid: number; block: number; input: { n: number; block: number }; output: { consensus: number[] } };
    expect(first.netuid).toBe(0);
    expect(first.input.n).toBe(24);
    expect(first.input.block).toBe(first.block);
    expect(first.output.consensus.length).toBe(24);
  });

  it('finds the planted copier from the JSON Lines history, and nobody else', () => {
    const r = cli(['audit', '--history', history, '--json', '--out', join(dir, 'report')]);
    expect(r.status, r.stderr).toBe(0);
    fromHistory = JSON.parse(r.stdout) as typeof fromHistory;
    expect(fromHistory.findings.map((f) => [f.kind, f.validators])).toEqual([['copier', [8]]]);
    expect(fromHistory.findings[0]!.evidence['lag']).toBe(2);
    expect(/^-?\d+$/.test(fromHistory.findings[0]!.gainRao)).toBe(true);
    expect(fromHistory.validators.filter((v) => v.flags.length > 0)).toEqual([{ uid: 8, hotkey: '', flags: ['copier'] }]);
    expect(existsSync(join(dir, 'report', 'report.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'report', 'audit.json'), 'utf8'))).toEqual(fromHistory);
  }, 120_000);

  it('gives the same audit from the SQLite archive the history was imported into', () => {
    const db = join(dir, 'archive.db');
    const imp = cli(['archive', 'import', history, '--archive', db]);
    expect(imp.status, imp.stderr).toBe(0);
    const r = cli(['audit', '--archive', db, '--netuid', '0', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(fromHistory);
    const table = cli(['audit', '--archive', db, '--netuid', '0', '--no-price']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/1 finding\(s\); 1 of 9 validators flagged/);
    expect(table.stdout).toMatch(/copier +8 /);
  }, 120_000);

  it('refuses bad options with exit 2 and one line naming the option', () => {
    for (const [args, name] of [[['audit', '--archive', history], '--netuid'], [['audit'], '--archive'], [['audit', '--history', history, '--alpha', '2'], '--alpha'], [['audit', '--history', history, '--allow', '1-2'], '--allow']] as Array<[string[], string]>) {
      const r = cli(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(name);
    }
  });

  it('renders the report in chromium: the findings table, the evidence charts and the agreement matrix', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.log(`audit report browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
      ctx.skip();
    }
    const file = join(dir, 'report', 'report.html');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (q) => { if (!q.url().startsWith('file:')) requests.push(q.url()); });
      await page.goto(`file://${file}`);
      expect(await page.$$eval('#findings tr', (rows) => rows.length)).toBe(2);
      // The copier's similarity chart and its counterfactual dividends, each with two drawn lines.
      const figures = await page.$$eval('figure', (fs) => fs.map((f) => ({ caption: f.querySelector('figcaption')?.textContent ?? '', paths: f.querySelectorAll('path').length, rects: f.querySelectorAll('rect').length })));
      expect(figures.some((f) => /consensus published 2 epoch/.test(f.caption) && f.paths === 2)).toBe(true);
      expect(figures.some((f) => /counterfactual|honest rows/.test(f.caption) && f.paths === 2)).toBe(true);
      // The agreement matrix: 9 × 9 cells.
      expect(figures.some((f) => /Agreement/.test(f.caption) && f.rects === 81)).toBe(true);
      const box = await page.$eval('path', (p) => { const b = (p as unknown as { getBBox(): { width: number; height: number } }).getBBox(); return b.width * b.height; });
      expect(box).toBeGreaterThan(100);
      expect(requests).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'audit-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
