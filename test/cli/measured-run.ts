import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Runs the built CLI (`node <package.json bin.yumaval>`, as outside checks run it) in a child process and measures its
 * peak RSS from outside: VmHWM from /proc/<pid>/status, sampled every 25 ms and on every stdout chunk (VmHWM only
 * grows, so the last sample before the exit is within one period of the peak).
 */

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
/** The CLI entry the package declares. */
export const BIN = join(root, pkg.bin.yumaval);

/** A finished run. */
export interface MeasuredRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: Buffer;
  err: string;
  /** The largest VmHWM seen while the child ran, in kB (0 if it ended before the first sample). */
  peakKb: number;
  ms: number;
}

/** Runs `node [nodeArgs] <bin> [args]`, killed after `timeoutMs`. */
export function measuredRun(nodeArgs: string[], args: string[], timeoutMs: number, options: { cwd?: string; env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}): Promise<MeasuredRun> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    const out: Buffer[] = [];
    let err = '';
    let peakKb = 0;
    const sample = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m !== null) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // The child has exited between two samples.
      }
    };
    const timer = setInterval(sample, 25);
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      out.push(c);
      sample();
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code, signal) => {
      clearInterval(timer);
      clearTimeout(killer);
      resolve({ code, signal, out: Buffer.concat(out), err, peakKb, ms: performance.now() - t0 });
    });
  });
}
