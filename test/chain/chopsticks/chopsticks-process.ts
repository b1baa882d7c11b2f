import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import WebSocket from 'ws';

/*
 * Runs @acala-network/chopsticks as a child process (`npx --yes`, never a dependency of this package: its tree is big
 * and its newer versions need Node 22) on a raw chain spec: chopsticks builds the genesis block from the spec's storage
 * and executes the spec's own runtime wasm, with no live endpoint. Version 1.1.0 is the last one whose `engines` allows
 * Node 20 (1.2.0 and later declare node >= 22); CHOPSTICKS_VERSION overrides it.
 */

export const CHOPSTICKS_DEFAULT_VERSION = '1.1.0';

/** How chopsticks builds blocks: Instant = one block per submitted extrinsic; Manual = only on dev_newBlock. */
export type BuildBlockMode = 'Instant' | 'Manual' | 'Batch';

export interface ChopsticksOptions {
  /** Path to a raw chain spec (JSON with genesis.raw.top). */
  spec: string;
  /** npm version of @acala-network/chopsticks. */
  version?: string;
  buildBlockMode?: BuildBlockMode;
  /** Deadline for npx to install (the first run downloads ~300 packages) and the websocket to answer. */
  startupTimeoutMs?: number;
  /** Receives chopsticks' output lines (stdout and stderr), for diagnostics. */
  log?: (line: string) => void;
}

export interface Chopsticks {
  url: string;
  port: number;
  version: string;
  /** Milliseconds from spawn to the first answered JSON-RPC call. */
  startupMs: number;
  /** Sends one JSON-RPC call on a fresh socket (for the dev_ methods). */
  rpc(method: string, params: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** The node answered, with a JSON-RPC error (as opposed to not answering at all). */
export class RpcAnswerError extends Error {}

/** One JSON-RPC request over a new websocket, with a deadline. */
export function wsRpc(url: string, method: string, params: unknown[], ms = 60_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${method}: no answer from ${url} in ${ms} ms`));
    }, ms);
    const done = (f: () => void): void => {
      clearTimeout(timer);
      ws.close();
      f();
    };
    ws.once('error', (e) => done(() => reject(e)));
    ws.once('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })));
    ws.on('message', (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (msg.id !== 1) return;
      if (msg.error !== undefined) done(() => reject(new RpcAnswerError(`${method}: ${msg.error!.message} ${msg.error!.data === undefined ? '' : JSON.stringify(msg.error!.data)}`)));
      else done(() => resolve(msg.result));
    });
  });
}

// Lines chopsticks 1.1.0 prints on Node 20 because its tree pulls @polkadot/util 13 beside our 14: harmless noise.
const NOISE = /multiple versions|Either remove and explicitly|conflicting packages were found|^\s*(cjs|esm)\s+\d+\.\d+|npm warn Unknown user config/;

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  // npx → sh → node: the child leads its own process group (detached), so the whole group is ended by its id.
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  const t = setTimeout(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5_000);
  await exited;
  clearTimeout(t);
}

/** Starts chopsticks on the spec and resolves once its websocket answers `chain_getHeader`. */
export async function startChopsticks(o: ChopsticksOptions): Promise<Chopsticks> {
  const version = o.version ?? CHOPSTICKS_DEFAULT_VERSION;
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const log = o.log ?? ((): void => {});
  const t0 = Date.now();
  const args = ['--yes', `@acala-network/chopsticks@${version}`, '--genesis', o.spec, '--host', '127.0.0.1', '--port', String(port), '--build-block-mode', o.buildBlockMode ?? 'Instant'];
  const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' } });
  const tail: string[] = [];
  const onData = (d: Buffer): void => {
    for (const line of d.toString().split('\n')) {
      if (line.trim() === '' || NOISE.test(line)) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log(line);
    }
  };
  // If this process dies without close(), the detached group would outlive it: end it on the way out.
  const orphanGuard = (): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', orphanGuard);
  child.once('exit', () => process.removeListener('exit', orphanGuard));
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`chopsticks exited (code ${code}, signal ${signal}) before answering:\n${tail.join('\n')}`)));
    child.once('error', (e) => reject(new Error(`could not run npx: ${e.message}`)));
  });
  exited.catch(() => {});
  const deadline = t0 + (o.startupTimeoutMs ?? 600_000);
  const ready = (async (): Promise<void> => {
    for (;;) {
      if (child.exitCode !== null) return;
      try {
        await wsRpc(url, 'chain_getHeader', [], 10_000);
        return;
      } catch (e) {
        // Up but unable to serve a header: the runtime cannot run here (e.g. a wasm built with runtime-benchmarks
        // imports host functions chopsticks does not provide). Waiting longer would not help.
        if (e instanceof RpcAnswerError) throw new Error(`chopsticks is up on ${url} but cannot serve the chain: ${e.message}\n${tail.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`chopsticks did not answer on ${url} within ${o.startupTimeoutMs ?? 600_000} ms:\n${tail.join('\n')}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (e) {
    await kill(child);
    throw e;
  }
  return {
    url, port, version, startupMs: Date.now() - t0,
    rpc: (method, params) => wsRpc(url, method, params, 300_000),
    close: () => kill(child),
  };
}
