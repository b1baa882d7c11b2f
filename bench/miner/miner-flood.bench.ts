// The reference miner under the hostile probes of issue 15 (findings 1 and 2; "done means" 3), measured from outside.
//
// Method. A real `yumaval miner` child process (dist/cli.js, built by `npm run build`) serves on loopback. A second
// child process (flood-attacker.ts) attacks it; this process only probes and measures, so its timings are not the
// attacker's:
// - every PROBE_MS, an unrelated request (`GET /NoSuchSynapse`, which must be answered 404) on a fresh connection; its
//   round-trip time is recorded;
// - every RSS_MS, the miner's resident memory (VmRSS in /proc/<pid>/status).
// Phases: baseline (after warm-up requests), attack (until the attacker has sent everything, then HOLD_MS more with
// the sockets stalled), after (the attacker's sockets closed, AFTER_MS later).
// Scenarios, each against a fresh miner:
// - flood-unsigned: 1,000 connections, `POST /Dummy` with Content-Length 1,048,001, 1,048,000 bytes sent, then stall
//   (the probe of finding 1);
// - flood-signed: the same, every request signed by a throwaway key, so the headers pass and the body is buffered;
// - bigint: 10 signed requests whose dummy_input has 1,000,000 digits (finding 2);
// - floats: 10 signed requests of ~1 MB whose extra field is a list of 200,000 floats (the costliest body to parse).
// Targets ("done means" 3): RSS under 300 MB during the flood, every 404 within 100 ms, RSS near its baseline after;
// under the bigint requests, every probe within 100 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderTable } from '../../src/cli/index.js';
import { DUMMY_SPEC, buildRequest, createNonceClock, signerFromPair } from '../../src/protocol/index.js';
import { loadKey } from '../../src/keys/index.js';
import { machine, writeResult } from '../report.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE_MS = 25;
const RSS_MS = 100;
const HOLD_MS = 3_000;
const AFTER_MS = 5_000;
const TARGET_RSS_MB = 300;
const TARGET_PROBE_MS = 100;

interface Miner { child: ChildProcess; port: number; hotkey: string }

async function startMiner(extra: string[]): Promise<Miner> {
  // MINER_NODE_FLAGS adds node flags to the miner (to look inside it: MINER_NODE_FLAGS='--trace-gc').
  const nodeFlags = (process.env.MINER_NODE_FLAGS ?? '').split(' ').filter((x) => x !== '');
  const child = spawn(process.execPath, [...nodeFlags, `${ROOT}dist/cli.js`, 'miner', '--key', '//Bob', '--dev', '--profile', 'oracle-0.9', '--port', '0', '--json', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', () => undefined);
  if (process.env.MINER_STDOUT_FILE !== undefined) child.stdout!.on('data', (d: Buffer) => appendFileSync(process.env.MINER_STDOUT_FILE!, `${performance.now().toFixed(0)} ${d.toString()}`));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  let first = await lines.next();
  while (first.done !== true && !String(first.value).startsWith('{')) first = await lines.next(); // --trace-gc lines
  const s = JSON.parse(first.value as string) as { port: number; hotkey: string };
  return { child, port: s.port, hotkey: s.hotkey };
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? Number.NaN : Number(m[1]) / 1024;
}

/** A probe's times: until the TCP connection was established, and until the 404 was read (Infinity: failed). */
interface ProbeTime { connectMs: number; totalMs: number }

/** One 404 round trip on a fresh connection (Infinity if it failed or took over 10 s). */
function probe(port: number): Promise<ProbeTime> {
  const t0 = performance.now();
  let connectMs = Number.NaN;
  return new Promise((resolve) => {
    const fail = (): void => resolve({ connectMs, totalMs: Number.POSITIVE_INFINITY });
    const req = request({ host: '127.0.0.1', port, path: '/NoSuchSynapse', method: 'GET', agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 404 ? resolve({ connectMs, totalMs: performance.now() - t0 }) : fail()));
    });
    req.on('socket', (s) => s.once('connect', () => { connectMs = performance.now() - t0; }));
    req.on('error', fail);
    req.on('timeout', () => { req.destroy(); fail(); });
    req.end();
  });
}

async function warmUp(m: Miner): Promise<void> {
  const alice = await loadKey({ uri: '//Alice' }, { dev: true });
  const clock = createNonceClock();
  for (let i = 0; i < 20; i++) {
    const r = buildRequest(DUMMY_SPEC, { dummy_input: i }, { ip: '127.0.0.1', port: m.port, hotkey: m.hotkey },
      { signer: signerFromPair(alice.pair), uuid: 'warm', nonce: clock.next(), timeoutSeconds: 12, externalIp: '127.0.0.1' });
    await (await fetch(r.url, { method: 'POST', headers: r.headers, body: r.body })).arrayBuffer();
    await probe(m.port);
  }
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
}

interface Outcome {
  scenario: string; baselineRssMb: number; peakRssMb: number; afterRssMb: number; probes: number; probeP50Ms: number;
  probeP99Ms: number; probeMaxMs: number; failedProbes: number; attacker: unknown; attackMs: number;
  /** Probes over the 100 ms target: when (ms after the attack started), the connect time and the total. */
  slowProbes: Array<{ atMs: number; connectMs: number; totalMs: number }>;
}

async function scenario(name: string, mode: string, connections: number, declared: number, sent: number, extra: string[] = []): Promise<Outcome> {
  // MINER_FLAGS adds flags to the miner's command line (to compare limits: MINER_FLAGS='--max-buffered-bytes 8388608').
  const m = await startMiner([...extra, ...(process.env.MINER_FLAGS ?? '').split(' ').filter((x) => x !== '')]);
  const pid = m.child.pid!;
  await warmUp(m);
  await new Promise((r) => setTimeout(r, 1_000));
  const baselineRssMb = rssMb(pid);
  const latencies: number[] = [];
  const slowProbes: Outcome['slowProbes'] = [];
  let peakRssMb = baselineRssMb;
  let probing = true;
  const t0 = performance.now();
  if (process.env.MINER_STDOUT_FILE !== undefined) appendFileSync(process.env.MINER_STDOUT_FILE, `${t0.toFixed(0)} ATTACK START\n`);
  const rssTimer = setInterval(() => { peakRssMb = Math.max(peakRssMb, rssMb(pid)); }, RSS_MS);
  const prober = (async () => {
    while (probing) {
      const at = performance.now() - t0;
      const p = await probe(m.port);
      latencies.push(p.totalMs);
      if (!(p.totalMs <= TARGET_PROBE_MS)) slowProbes.push({ atMs: Math.round(at), connectMs: Math.round(p.connectMs), totalMs: Math.round(p.totalMs) });
      await new Promise((r) => setTimeout(r, PROBE_MS));
    }
  })();
  const attacker = spawn(process.execPath, ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, fileURLToPath(new URL('./flood-attacker.ts', import.meta.url)),
    String(m.port), m.hotkey, mode, String(connections), String(declared), String(sent)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: attacker.stdout! })[Symbol.asyncIterator]();
  await lines.next();
  await new Promise((r) => setTimeout(r, HOLD_MS));
  const attackMs = performance.now() - t0;
  attacker.stdin!.end();
  const line = await lines.next();
  await new Promise((r) => (attacker.exitCode !== null ? r(null) : attacker.once('exit', r)));
  probing = false;
  await prober;
  clearInterval(rssTimer);
  await new Promise((r) => setTimeout(r, AFTER_MS));
  const afterRssMb = rssMb(pid);
  m.child.kill('SIGINT');
  await new Promise((r) => m.child.once('exit', r));
  const ok = latencies.filter(Number.isFinite);
  return {
    scenario: name, baselineRssMb, peakRssMb, afterRssMb, probes: latencies.length, probeP50Ms: pct(ok, 0.5), probeP99Ms: pct(ok, 0.99),
    probeMaxMs: Math.max(...ok), failedProbes: latencies.length - ok.length, attacker: JSON.parse(line.value as string), attackMs, slowProbes,
  };
}

/** Runs the scenarios; prints a table and writes bench/results/miner-flood.json. */
export async function benchMinerFlood(connections = 1_000, only?: string): Promise<void> {
  const all: Array<[string, string, number, number, number]> = [
    [`flood-unsigned ×${connections}`, 'unsigned', connections, 1_048_001, 1_048_000],
    [`flood-signed ×${connections}`, 'signed', connections, 1_048_001, 1_048_000],
    ['bigint 10 × 1,000,000 digits', 'bigint', 10, 1_000_000, 0],
    ['floats 10 × 1 MB body', 'floats', 10, 1_000_000, 0],
  ];
  const outcomes: Outcome[] = [];
  for (const [name, mode, n, declared, sent] of all) if (only === undefined || only.split(',').includes(mode)) outcomes.push(await scenario(name, mode, n, declared, sent));
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : String(x));
  process.stdout.write(`${renderTable(['scenario', 'RSS base MB', 'RSS peak MB', 'RSS after MB', 'probes', '404 p50 ms', '404 p99 ms', '404 max ms', 'failed'].map((h, i) => ({ header: h, align: i === 0 ? 'left' as const : 'right' as const })),
    outcomes.map((o) => [o.scenario, f(o.baselineRssMb), f(o.peakRssMb), f(o.afterRssMb), String(o.probes), f(o.probeP50Ms), f(o.probeP99Ms), f(o.probeMaxMs), String(o.failedProbes)]))}\n`);
  for (const o of outcomes) process.stdout.write(`${o.scenario}: attacker ${JSON.stringify(o.attacker)}; probes over ${TARGET_PROBE_MS} ms ${JSON.stringify(o.slowProbes)}\n`);
  const file = writeResult(only === undefined ? 'miner-flood' : `miner-flood-${only.replace(/,/g, '-')}`, { machine: machine(), targets: { rssMb: TARGET_RSS_MB, probeMs: TARGET_PROBE_MS }, outcomes });
  process.stdout.write(`written to ${file}\n`);
}

// Directly: node --import tsx bench/miner/miner-flood.bench.ts [connections] [modes, e.g. unsigned,signed].
if (process.argv[1] === fileURLToPath(import.meta.url)) await benchMinerFlood(Number(process.argv[2] ?? '1000'), process.argv[3]);
