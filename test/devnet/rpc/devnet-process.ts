import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * A real `yumaval devnet` process (the built dist/cli.js run with this Node), for the hardening tests: its URL, its
 * memory as the kernel sees it (/proc/<pid>/status, read from outside the process), its stderr, and a clean stop.
 * YUMAVAL_DEVNET_CLI points the tests at another build (e.g. the code before a fix, to see them fail there).
 */

const root = new URL('../../../', import.meta.url).pathname;
const cli = process.env.YUMAVAL_DEVNET_CLI ?? join(root, 'dist/cli.js');

/** A running devnet child process. */
export interface DevnetProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resident memory now, in MB (VmRSS). */
  rssMb(): number;
  /** The largest resident memory so far, in MB (VmHWM). */
  peakMb(): number;
  /** Rejects, naming the exit and the end of stderr, if the process ends before stop(): race calls against it. */
  readonly died: Promise<never>;
  /** SIGINT, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

function statusField(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(m[1]) / 1024;
}

/** Starts `yumaval devnet --port 0 --block-time 0 ...args` (Node run with `nodeArgs`) and waits for its start-up line. */
export async function startDevnetProcess(args: string[] = [], nodeArgs: string[] = []): Promise<DevnetProcess> {
  const child = spawn(process.execPath, [...nodeArgs, cli, 'devnet', '--port', '0', '--block-time', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /^devnet listening on (ws:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (m !== null) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`devnet exited ${code} before listening: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const pid = child.pid as number;
  let stopping = false;
  const died = exited.then((code): never => {
    throw new Error(`the devnet ${stopping ? 'stopped' : 'died'} (exit ${code}, signal ${child.signalCode}): ${stderr.slice(-300)}`);
  });
  died.catch(() => {});
  return {
    died,
    url,
    port: Number(new URL(url).port),
    pid,
    child,
    stderr: () => stderr,
    rssMb: () => statusField(pid, 'VmRSS'),
    peakMb: () => statusField(pid, 'VmHWM'),
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      stopping = true;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
