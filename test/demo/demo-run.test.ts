import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDemoReport, runDemo, summarize, type DemoRun } from '../../src/demo/index.js';

/*
 * Done-means 1 and 3 of issue 17 with fewer epochs: the whole demo subnet in this process (devnet, 16 axons, two
 * honest validator services, a copier and a self-dealer), 12 epochs. The chain's final incentive must rank the oracles
 * by quality and give every failure profile 0; the report of the run must open in chromium, draw every chart, request
 * nothing and log no error.
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const FAILURES = ['slow', 'error500', 'malformed', 'nan', 'oversized', 'wrong-shape'];
interface Canvas { width: number; height: number }

let run: DemoRun | null = null;
const getRun = async (): Promise<DemoRun> => (run ??= await runDemo({ epochs: 12 }));

afterAll(() => { run = null; });

describe('yumaval demo, 12 epochs', () => {
  it('ranks the oracles by quality on chain and pays no failure profile', async () => {
    const r = await getRun();
    expect(r.interrupted).toBe(false);
    expect(r.records).toHaveLength(12);
    const last = r.records[11]!;
    const inc = (label: string): number => last.incentive[r.miners.find((m) => m.label === label)!.uid] ?? -1;
    console.log(`demo 12 epochs: ${(r.wallMs / 1000).toFixed(1)} s; final incentive ${r.miners.map((m) => `${m.label}=${inc(m.label)}`).join(' ')}`);
    expect(inc('oracle-0.9')).toBeGreaterThan(inc('oracle-0.6'));
    expect(inc('oracle-0.6')).toBeGreaterThan(inc('oracle-0.3'));
    expect(inc('oracle-0.3')).toBeGreaterThan(0);
    for (const f of FAILURES) expect(inc(f), f).toBe(0);
    // Every validator's weights reached the chain: each has a vtrust at the last epoch.
    for (const v of r.validators) expect(last.vtrust[v.uid], v.label).toBeGreaterThan(0);
    const s = summarize(r);
    expect(s.oraclesRanked).toBe(true);
    expect(s.failuresZero).toBe(true);
    expect(s.spearman).toBeGreaterThan(0.5);
    // Each task's contribution: both tasks had steps; the oracles' shares follow their fidelity in each; the miners of
    // the second task earn nothing from next-token steps and something from feature-class steps.
    const share = (task: string, label: string): number => r.tasks[task]!.share[r.miners.find((m) => m.label === label)!.uid] ?? 0;
    for (const task of ['next-token', 'feature-class']) {
      expect(r.tasks[task]!.steps, task).toBeGreaterThan(0);
      expect(share(task, 'oracle-0.9'), task).toBeGreaterThan(share(task, 'oracle-0.3'));
    }
    expect(share('next-token', 'vision-0.9')).toBe(0);
    expect(share('feature-class', 'vision-0.9')).toBeGreaterThan(share('feature-class', 'vision-0.5'));
    // The copier and the self-dealer are compared with honest-B (same stake); the honest ones are not.
    expect(s.validators.map((v) => v.gainVsHonest === null)).toEqual([true, true, false, false]);
  }, 150_000);

  it('writes a report that opens in chromium with every chart, no request and no console error', async (ctx) => {
    const r = await getRun();
    const html = renderDemoReport(r, summarize(r));
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    if (!existsSync(CHROMIUM)) {
      console.log(`demo report browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
      ctx.skip();
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'demo-report.html');
    writeFileSync(file, html);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 1400 } });
      const requests: string[] = [];
      page.on('request', (q) => { if (!q.url().startsWith('file:')) requests.push(q.url()); });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`file://${file}`);
      await page.waitForSelector('.chart canvas');
      const charts = await page.$$eval('.chart canvas', (cs) => cs.map((el) => [(el as unknown as Canvas).width, (el as unknown as Canvas).height]));
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // Incentive, vtrust, dividends per 1,000 TAO, predicted vs actual.
      expect(charts).toHaveLength(4);
      for (const [w, h] of charts) expect((w as number) * (h as number)).toBeGreaterThan(10_000);
      // The tables hold a row per miner and per validator.
      expect(await page.$$eval('#miners tr', (rs) => rs.length)).toBe(1 + r.miners.length);
      expect(await page.$$eval('#validators tr', (rs) => rs.length)).toBe(1 + r.validators.length);
      // And one per scoring model (issue 23), with the run's figures.
      expect(await page.$$eval('#models tr', (rs) => rs.length)).toBe(1 + 2);
      expect(await page.$eval('#models', (t) => (t as unknown as { textContent: string }).textContent)).toContain('redundancy-aware');
      await page.screenshot({ path: join(ARTIFACTS, 'demo-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 150_000);
});
