import { randomUUID } from 'node:crypto';
import { BroadcastChannel, threadId, workerData } from 'node:worker_threads';
import { loadKey } from '../keys/index.js';
import { MAX_TIMEOUT_SECONDS } from './options.js';
import { createAgent } from './send.js';
import { KeyedSerial, Limiter } from './limiter.js';
import { createNonceClock, signerFromPair } from '../protocol/index.js';
import { runRequest, type RequestDeps } from './run-request.js';
import type { WorkerInit, WorkerReady, WorkerReply, WorkerTask } from './worker-types.js';

/*
 * A dendrite worker (piscina). At start it loads the hotkey from its source (the secret stays in this thread), and
 * makes its own undici Agent, uuid and nonce clock: one uuid per worker is one SDK Dendrite instance per worker, so
 * each worker's nonces only need to increase among themselves. Requests run under this worker's share of the
 * concurrency limit, one at a time per axon (see limiter.ts).
 */

type Handler = (task: WorkerTask) => Promise<WorkerReply>;

/** Tells the dendrite this worker is ready (or why not), so that no query's deadline pays for a worker's start. */
function report(channel: string, r: WorkerReady): void {
  const bc = new BroadcastChannel(channel);
  bc.postMessage(r);
  bc.close();
}

async function start(): Promise<Handler> {
  const init = workerData as WorkerInit;
  try {
    const handler = await makeHandler(init);
    report(init.readyChannel, { ok: true, threadId });
    return handler;
  } catch (e) {
    // KeyError messages name the source, never the secret.
    report(init.readyChannel, { ok: false, threadId, error: (e as Error)?.message ?? String(e) });
    throw e;
  }
}

async function makeHandler(init: WorkerInit): Promise<Handler> {
  const key = await loadKey(init.key, { dev: init.dev });
  const deps: RequestDeps = {
    signer: signerFromPair(key.pair),
    uuid: randomUUID(),
    nonces: createNonceClock(),
    // undici's own connect timeout only backs up each request's total deadline, which may be up to an hour: it must
    // never fire first, or a long query to a blackholed host would end early.
    dispatcher: createAgent({ connectionsPerOrigin: init.connectionsPerOrigin, connectTimeoutMs: MAX_TIMEOUT_SECONDS * 1000 + 1_000 }),
    externalIp: init.externalIp,
    maxResponseBytes: init.maxResponseBytes,
  };
  const limiter = new Limiter(init.concurrency);
  const serial = new KeyedSerial();
  return (task: WorkerTask) => Promise.all(task.requests.map((r) =>
    serial.run(`${r.ip}|${r.port}`, () => limiter.run(() => runRequest(deps, task.spec, r, task.timeoutSeconds, task.deadlineAt)))));
}

// piscina awaits a promised default export: the handler exists once the key is loaded.
export default start();
