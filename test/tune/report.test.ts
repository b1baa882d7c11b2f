import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LocalRunner, MemoryStore, loadScenarioSource, renderTuneReport, runSweep, validateSpace } from '../../src/tune/index.js';
import type { SweepDefinition } from '../../src/tune/index.js';

/*
 * The sweep report is one file that opens in Debian's chromium (headless, playwright-core) with no error and no network
 * request, draws the front and one chart per parameter and objective, and is saved as a screenshot. Without chromium
 * the browser test skips and says why; .ci/run installs it.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

describe('the tune report', async () => {
  const space = { params: { bondsMovingAverage: { min: 500000, max: 990000, steps: 4 }, liquidAlpha: { values: [false, true] } }, fixed: { yuma3: true }, baseline: { liquidAlpha: false }, copier: { stake: 'median', lag: 1 } };
  const def: SweepDefinition = { space, sources: [await loadScenarioSource('copier-lag-1')], objectives: ['copierGain', 'honestDividends'], mode: 'f64', search: 'grid', seed: 1, trials: 1 };
  const result = await runSweep(def, new LocalRunner({ threads: 0 }), new MemoryStore());
  const html = renderTuneReport(result, def, validateSpace(space));

  it('is self-contained: the chart library inline, nothing remote', () => {
    expect(html).toMatch(/uPlot/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href=/);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?https?:|url\(\s*["']?https?:|fetch\(|import\(/);
    // The front's table lists every front trial.
    const front = html.slice(html.indexOf('<h2>Pareto front'), html.indexOf('<h2>Best'));
    for (const id of result.front) expect(front).toContain(`<td>${id}</td>`);
  });

  it('opens in chromium without errors or requests, draws its charts, and is saved as a screenshot', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.log(`tune report browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)`);
      ctx.skip();
    }
    const file = join(mkdtempSync(join(tmpdir(), 'yumaval-tune-report-')), 'report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`file://${file}`);
      await page.waitForSelector('.chart canvas');
      const count = await page.$$eval('.chart canvas', (cs) => cs.length);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // The front chart, then 2 parameters × 2 objectives.
      expect(count).toBe(1 + 2 * 2);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'tune-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
