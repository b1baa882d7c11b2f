import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Done-means 5 of issue 17: Ctrl-C stops a real `yumaval demo` process within 5 s, and afterwards nothing it started
 * is left: the process and its children are gone, and the devnet's and every axon's port refuse connections. SIGINT is
 * sent twice at different moments: while the validators are starting and in the middle of the run.
 */

const bin = new URL('../../dist/cli.js', import.meta.url).pathname;

/** The test runs the built CLI: without dist/ it says so and skips. */
function needBin(ctx: { skip(): void }): void {
  if (!existsSync(bin)) {
    console.log(`demo SIGINT test skipped: ${bin} is missing (npm run build first)`);
    ctx.skip();
  }
}

/** Resolves true when something accepts a TCP connection on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

/** Whether a process id is alive. */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function interruptAfter(pattern: RegExp): Promise<{ ms: number; code: number | null; signal: string | null; ports: number[]; pid: number; stderr: string }> {
  const out = mkdtempSync(join(tmpdir(), 'yumaval-demo-sigint-'));
  const child = spawn(process.execPath, [bin, 'demo', '--epochs', '50', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let resolveSeen: () => void = () => {};
  const seen = new Promise<void>((r) => { resolveSeen = r; });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); if (pattern.test(stderr)) resolveSeen(); });
  const exited = new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  try {
    await Promise.race([seen, exited.then(() => { throw new Error(`the demo exited before ${pattern}: ${stderr}`); })]);
    const t = performance.now();
    child.kill('SIGINT');
    const [code, signal] = await exited;
    const ms = performance.now() - t;
    const m = /devnet ws:\/\/127\.0\.0\.1:(\d+); \d+ axons on 127\.0\.0\.1 ports ([\d,]+)/.exec(stderr);
    const ports = m === null ? [] : [Number(m[1]), ...m[2]!.split(',').map(Number)];
    return { ms, code, signal: signal as string | null, ports, pid: child.pid as number, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  }
}

describe('Ctrl-C on yumaval demo', () => {
  it('in the middle of the run: exits 0 within 5 s, no process and no port left', async (ctx) => {
    needBin(ctx);
    const r = await interruptAfter(/epoch 3\/50/);
    console.log(`SIGINT mid-run: exit ${r.code} after ${r.ms.toFixed(0)} ms`);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(5_000);
    expect(alive(r.pid)).toBe(false);
    // The devnet and the 18 axons.
    expect(r.ports.length).toBe(19);
    for (const p of r.ports) expect(await listening(p), `port ${p}`).toBe(false);
    // What was recorded is still summarised.
    expect(r.stderr).toMatch(/\(interrupted\)/);
  }, 120_000);

  it('while the validators start: exits 0 within 5 s, no port left', async (ctx) => {
    needBin(ctx);
    const r = await interruptAfter(/devnet ws:/);
    console.log(`SIGINT at start-up: exit ${r.code} after ${r.ms.toFixed(0)} ms`);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(5_000);
    expect(alive(r.pid)).toBe(false);
    for (const p of r.ports) expect(await listening(p), `port ${p}`).toBe(false);
  }, 60_000);
});
