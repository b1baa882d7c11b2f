import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Distributed sweeps through a real Redis (Debian's redis-server, started here on a free loopback port) and real
 * `yumaval worker` processes (the built dist/cli.js). Distributed equals local bit for bit, a worker killed with SIGKILL
 * in the middle of a job changes nothing, and running the sweep again runs nothing. Without redis-server the tests skip
 * and say why; .ci/run installs it.
 */

const root = new URL('../../', import.meta.url).pathname;
const cliPath = join(root, 'dist/cli.js');
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'yumaval-tune-queue-'));
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A child process whose stderr (or stdout) lines are kept, with a wait for a line matching a pattern. */
function start(cmd: string, args: string[]): { child: ChildProcess; lines: string[]; times: number[]; waitFor(re: RegExp, ms: number): Promise<string> } {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  /** When each line arrived (ms). */
  const times: number[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const onData = (buf: Buffer): void => {
    for (const l of buf.toString('utf8').split('\n')) {
      if (l === '') continue;
      lines.push(l);
      times.push(Date.now());
      for (const w of waiters.splice(0)) {
        if (w.re.test(l)) w.resolve(l);
        else waiters.push(w);
      }
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return {
    child, lines, times,
    waitFor: (re, ms) => new Promise<string>((resolve, reject) => {
      const hit = lines.find((l) => re.test(l));
      if (hit !== undefined) return resolve(hit);
      const timer = setTimeout(() => reject(new Error(`no line matching ${re} in ${ms} ms; got:\n${lines.join('\n')}`)), ms);
      waiters.push({ re, resolve: (l) => { clearTimeout(timer); resolve(l); } });
    }),
  };
}

async function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let url = '';

beforeAll(async () => {
  if (!hasRedis) return;
  // A port is free when bound and released; redis-server then takes it (a race another process could win, so retry).
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const redis = start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    try {
      await redis.waitFor(/Ready to accept connections/, 10_000);
      url = `redis://127.0.0.1:${port}`;
      return;
    } catch {
      redis.child.kill('SIGKILL');
    }
  }
  throw new Error('could not start redis-server on a free loopback port');
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const SPACE = {
  params: { bondsMovingAverage: { min: 500000, max: 990000 }, liquidAlpha: { values: [false, true] } },
  fixed: { yuma3: true }, baseline: { liquidAlpha: false }, copier: { stake: 'median', lag: 1 },
};

describe('distributed sweeps on BullMQ', () => {
  it('equal a local run bit for bit, survive a worker killed with SIGKILL mid-job, and run nothing the second time', async (ctx) => {
    if (!hasRedis) {
      console.log('distributed tuning test skipped: redis-server is not installed (apt-get install redis-server; .ci/run does it)');
      ctx.skip();
    }
    const space = join(dir, 'space.json');
    writeFileSync(space, JSON.stringify(SPACE));
    // Exact mode on three 60-epoch, 24-uid scenarios, 48 trials a job: the kill lands inside a job, and a job outlasts the lock.
    const sweepArgs = ['tune', '--space', space, '--scenario', 'copier-lag-1', 'copier-lag-2', 'copier-lag-3', '--search', 'random', '--trials', '96', '--seed', '5', '--mode', 'exact', '--chunk', '48', '--json'];
    const local = await cli([...sweepArgs, '--workers', '1', '--out', join(dir, 'local')]);
    expect(local.code, local.err).toBe(0);
    const expected = JSON.parse(local.out) as { sweep: string; ran: number; trials: unknown[]; front: string[] };
    expect(expected.ran).toBe(96);

    // A lock of 1 s, shorter than a job here (1.8 s measured under load): the jobs' CPU work must not let it lapse.
    const a = start(process.execPath, [cliPath, 'worker', '--queue', url, '--workers', '1', '--lock-ms', '1000']);
    const b = start(process.execPath, [cliPath, 'worker', '--queue', url, '--workers', '1', '--lock-ms', '1000']);
    await a.waitFor(/ready on/, 30_000);
    await b.waitFor(/ready on/, 30_000);
    const coordinator = cli(sweepArgs.concat(['--queue', url, '--out', join(dir, 'distributed')]));
    // Kill worker A as soon as it has started a job with trials to run: that job is in its hands, unfinished.
    const started = await a.waitFor(/job \S+ start: [1-9]/, 60_000);
    const jobId = /job (\S+) start/.exec(started)![1]!;
    a.child.kill('SIGKILL');
    const done = await coordinator;
    expect(done.code, done.err).toBe(0);
    const got = JSON.parse(done.out) as typeof expected;
    expect(got.sweep).toBe(expected.sweep);
    expect(got.ran).toBe(96);
    // Every trial's values, bit for bit (JSON carries doubles exactly), and the same front.
    expect(got.trials).toEqual(expected.trials);
    expect(JSON.stringify(got.trials)).toBe(JSON.stringify(expected.trials));
    expect(got.front).toEqual(expected.front);
    // The coordinator builds the same report as the local run, byte for byte.
    expect(readFileSync(join(dir, 'distributed', 'report.html'), 'utf8')).toBe(readFileSync(join(dir, 'local', 'report.html'), 'utf8'));
    // The killed worker never finished its job; worker B took it over after the lock expired.
    expect(a.lines.some((l) => l.includes(`job ${jobId} done`))).toBe(false);
    expect(b.lines.some((l) => l.includes(`job ${jobId} start`))).toBe(true);
    // No other job was taken for stalled and run twice while its worker was busy computing.
    const starts = [...a.lines, ...b.lines].map((l) => /job (\S+) start/.exec(l)?.[1]).filter((id): id is string => id !== undefined && id !== jobId);
    expect(starts.length).toBeGreaterThan(0);
    expect(new Set(starts).size).toBe(starts.length);
    // How long B's jobs ran, against the lock (the check above means most when they outlast it).
    const took = (w: typeof b, id: string): number => w.times[w.lines.findIndex((l) => l.includes(`job ${id} done`))]! - w.times[w.lines.findIndex((l) => l.includes(`job ${id} start`))]!;
    const longest = Math.max(...starts.filter((id) => b.lines.some((l) => l.includes(`job ${id} done`))).map((id) => took(b, id)));
    console.log(`longest job on worker B: ${longest} ms (lock 1000 ms)`);

    const again = await cli(sweepArgs.concat(['--queue', url]));
    expect(again.code, again.err).toBe(0);
    const second = JSON.parse(again.out) as typeof expected;
    expect(second.ran).toBe(0);
    expect(second.trials).toEqual(expected.trials);
    b.child.kill('SIGTERM');
  }, 240_000);

  it('refuses a --sweep id already used by another definition', async (ctx) => {
    if (!hasRedis) {
      console.log('distributed tuning test skipped: redis-server is not installed');
      ctx.skip();
    }
    const space = join(dir, 'space2.json');
    writeFileSync(space, JSON.stringify({ params: { kappa: { values: [16384] } } }));
    const w = start(process.execPath, [cliPath, 'worker', '--queue', url, '--workers', '1']);
    await w.waitFor(/ready on/, 30_000);
    const first = await cli(['tune', '--space', space, '--scenario', 'kappa-moves-first', '--sweep', 'shared-id', '--queue', url, '--json']);
    expect(first.code, first.err).toBe(0);
    const other = await cli(['tune', '--space', space, '--scenario', 'kappa-moves-second', '--sweep', 'shared-id', '--queue', url, '--json']);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/option --sweep: sweep shared-id exists in this Redis with another definition/);
    w.child.kill('SIGTERM');
  }, 120_000);
});
