import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, renderReport, scenarioMetrics, simulate, stakePath, toCsv } from '../../src/index.js';

/*
 * The HTML report opens in Debian's chromium (headless, playwright-core), draws a chart per metric and variant, and
 * fetches nothing. Where chromium is absent the browser test is skipped with a printed reason; .ci/run installs it.
 */

const CHROMIUM = '/usr/bin/chromium';

/** The little of a browser canvas the checks read (this Node project does not load the DOM types). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

describe('the simulation report', () => {
  const scenario = CATALOGUE.get('kappa-moves-first')!();
  const result = simulate(scenario, { mode: 'f64' });
  const metrics = scenarioMetrics(scenario, result, { mode: 'f64' });
  const html = renderReport(result, 'kappa moves first', { stakes: stakePath(scenario), metrics });

  it('is one self-contained file: the chart library inline, no remote resource', () => {
    expect(html).toMatch(/uPlot/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    // (A URL may appear in the library's licence comment; nothing loads one: no src, href, url() or fetch.)
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|fetch\(|import\(/);
  });

  it('shows the metrics table: one row per variant, each validator\'s dividends per 1000 TAO and relative dividends', () => {
    const table = html.slice(html.indexOf('<h2>Metrics'), html.indexOf('<h2>Last epoch'));
    expect(table).toMatch(/uid 0: per 1000 TAO/);
    for (const v of result.variants) expect(table).toContain(`<td>${v.name}</td>`);
    // The big validator's mean relative dividend, as computed, appears in its column.
    expect(table).toContain(`<td>${metrics[1]!.validators[0]!.relativeDividends.toFixed(4)}</td>`);
  });

  it('writes every epoch and uid as CSV', () => {
    const csv = toCsv(result.variants[0]!.epochs).trimEnd().split('\n');
    expect(csv[0]).toMatch(/^epoch,uid,active,/);
    expect(csv).toHaveLength(1 + 40 * 5);
  });

  it('renders its charts in chromium and saves a screenshot', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.log(`report browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)`);
      ctx.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'yumaval-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${file}`);
      await page.waitForSelector('.chart canvas');
      const charts = await page.$$eval('.chart canvas', (cs) => cs.map((el) => {
        const c = el as unknown as Canvas;
        return [c.width, c.height];
      }));
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // Six charts per variant (weights, bonds, dividends, per 1000 TAO, incentive, relative), three variants, each
      // with a canvas of real size.
      expect(charts.length).toBe(18);
      for (const [w, h] of charts) expect((w as number) * (h as number)).toBeGreaterThan(10_000);
      // A chart that drew lines has pixels that are not the background.
      const inked = await page.$eval('.chart canvas', (el) => {
        const c = el as unknown as Canvas;
        const g = c.getContext('2d');
        if (g === null) return 0;
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let count = 0;
        for (let i = 3; i < d.length; i += 4) if ((d[i] as number) > 0) count++;
        return count;
      });
      expect(inked).toBeGreaterThan(100);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'simulation-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
