import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from './built-cli.js';
import { CARTEL_MINERS, plantedScenario } from './planted.js';

/*
 * A cartel through the built CLI (dist/cli.js, `npm run tsbuild`): a planted 20% cartel through `yumaval simulate
 * --out`, audited from its JSON Lines history. The JSON carries the cartel finding (members, favoured miners, stake
 * share, pivotal, window), the table names it, and the report draws its agreement chart and favoured-miner table
 * (checked in chromium, nothing fetched; screenshot test/artifacts/audit-cartel-report.png).
 */

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;

const cli = (args: string[]): ReturnType<typeof runBuiltCli> => runBuiltCli(args, 180_000);

interface Json { findings: Array<{ kind: string; validators: number[]; miners: number[]; from: number; to: number; pValue: number; gainRao: string; evidence: Record<string, unknown> }>; validators: Array<{ uid: number; flags: string[] }> }

describe('yumaval audit: a cartel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yumaval-audit-cartel-'));
  const history = join(dir, 'sim', 'default.history.jsonl');
  const members = [3, 7, 11, 16];

  beforeAll(() => {
    const scenario = join(dir, 'cartel.json');
    writeFileSync(scenario, JSON.stringify(plantedScenario({ kind: 'cartel', share: 0.2 }, 4242, 40)));
    const sim = cli(['simulate', scenario, '--out', join(dir, 'sim')]);
    expect(sim.status, sim.stderr).toBe(0);
  }, 180_000);

  it('reports the cartel in the JSON, priced, and in the table', () => {
    const r = cli(['audit', '--history', history, '--json', '--out', join(dir, 'report')]);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as Json;
    expect(j.findings.map((f) => [f.kind, f.validators])).toEqual([['cartel', members]]);
    const f = j.findings[0]!;
    expect(f.miners).toEqual(CARTEL_MINERS);
    expect(f.pValue).toBeLessThanOrEqual(0.01);
    expect(f.evidence['stakeShare'] as number).toBeCloseTo(0.2, 9);
    expect(f.evidence['pivotal']).toBe(false);
    expect(f.to).toBeGreaterThan(f.from);
    expect(f.gainRao).toMatch(/^-?\d+$/);
    expect((f.evidence['pricing'] as { minersGainRao: string }).minersGainRao).toMatch(/^-?\d+$/);
    expect(j.validators.filter((v) => v.flags.length > 0)).toEqual(members.map((uid) => ({ uid, hotkey: '', flags: ['cartel'] })));
    const table = cli(['audit', '--history', history, '--no-price']);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/1 finding\(s\); 4 of 20 validators flagged/);
    expect(table.stdout).toMatch(/cartel +3 7 11 16 +24 31 /);
  }, 180_000);

  it('renders the cartel evidence in chromium', async (ctx) => {
    if (!existsSync(CHROMIUM)) {
      console.log(`cartel report browser test skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
      ctx.skip();
    }
    const file = join(dir, 'report', 'report.html');
    expect(readFileSync(file, 'utf8')).toContain('Favoured miners');
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on('request', (q) => { if (!q.url().startsWith('file:')) requests.push(q.url()); });
      await page.goto(`file://${file}`);
      const figures = await page.$$eval('figure', (fs) => fs.map((x) => ({ caption: x.querySelector('figcaption')?.textContent ?? '', paths: x.querySelectorAll('path').length, rows: x.querySelectorAll('tr').length })));
      // The group's agreement against the median pair's, two lines; the favoured miners, a header and one row each.
      expect(figures.some((x) => /mean cosine of their deviations/.test(x.caption) && x.paths === 2)).toBe(true);
      expect(figures.some((x) => /Favoured miners/.test(x.caption) && x.rows === 1 + CARTEL_MINERS.length)).toBe(true);
      expect(figures.some((x) => /honest rows/.test(x.caption) && x.paths === 2)).toBe(true);
      expect(requests).toEqual([]);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'audit-cartel-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
