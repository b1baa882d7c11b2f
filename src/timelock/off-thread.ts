import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isErrorCode, YumavalError } from '../errors/index.js';
import type { EncryptReply, EncryptRequest } from './encrypt-worker.js';
import { checkRound } from './tle.js';

/*
 * Encrypting a commit costs tens of milliseconds of CPU (a pairing and two G2 multiplications in plain JS, measured in
 * docs/timelock.md): a validator service must not stall its event loop (heartbeats, RPC deadlines) for that. One
 * long-lived worker thread takes the requests in order; it is started on first use and unref'd while idle, so it
 * never keeps a process alive. close() ends it.
 */

/**
 * The worker's boot script. Compiled: an import() of encrypt-worker.js. From the sources (vitest, tsx): a require()
 * of encrypt-worker.ts under tsx's CommonJS hook, resolved from this file (no cwd lookup, issue 14); Node 20 does not
 * run ESM loader hooks (`--import tsx`) inside worker threads, require hooks it does.
 */
function workerBoot(): { code: string; execArgv?: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const filename = fileURLToPath(new URL(fromSource ? './encrypt-worker.ts' : './encrypt-worker.js', import.meta.url));
  if (!fromSource) return { code: `import(${JSON.stringify(pathToFileURL(filename).href)});` };
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs');
  return { code: `require(${JSON.stringify(filename)});`, execArgv: ['--require', tsxCjs] };
}

/** A worker thread that encrypts timelocked commits off the caller's thread. */
export class TimelockWorker {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (ct: Uint8Array) => void; reject: (e: Error) => void }>();

  /** Encrypts like `encrypt` (tle.ts), on the worker thread. */
  async encrypt(payload: Uint8Array, round: bigint | number, beaconPublicKey: Uint8Array): Promise<Uint8Array> {
    const r = checkRound(round); // a rejection, not a throw: this is an async function
    const w = this.start();
    const id = this.nextId++;
    return await new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.ref();
      const req: EncryptRequest = { id, payload, round: r.toString(), publicKey: beaconPublicKey };
      w.postMessage(req);
    });
  }

  /** Ends the worker; requests still pending are rejected. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
    this.failAll(new YumavalError('the timelock worker was closed', 'ERR_TIMELOCK_WORKER'));
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker;
    const { code, execArgv } = workerBoot();
    const w = new Worker(code, execArgv === undefined ? { eval: true } : { eval: true, execArgv });
    w.on('message', (reply: EncryptReply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) w.unref();
      if (p === undefined) return;
      if (reply.ok) p.resolve(reply.ciphertext);
      // The class does not cross the thread boundary; the code and the message do.
      else p.reject(new YumavalError(reply.message, isErrorCode(reply.code) ? reply.code : 'ERR_TIMELOCK_WORKER'));
    });
    w.on('error', (err) => {
      this.worker = null;
      this.failAll(new YumavalError(`the timelock worker failed: ${err.message}`, 'ERR_TIMELOCK_WORKER'));
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
      this.failAll(new YumavalError('the timelock worker exited', 'ERR_TIMELOCK_WORKER'));
    });
    this.worker = w;
    return w;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
