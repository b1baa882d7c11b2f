import type { IncomingMessage } from 'node:http';
import type { ByteBudget } from './byte-budget.js';

/*
 * Reading an HTTP request body within bounds, counted while it streams in: over `limit` bytes it is refused (413)
 * without reading further, and every chunk held is reserved in the server's byte budget first, so unfinished POSTs
 * together cannot hold more than the budget (503 when it is full). Whatever happens (end, refusal, a client that goes
 * away, the request deadline cutting it), the reservation is released exactly once.
 */

/** The outcome of reading a body. */
export type BodyResult =
  /** The whole body, as UTF-8 text. */
  | { kind: 'body'; text: string }
  /** Refused before its end: 413 over the size limit, 503 when the server's byte budget is full. */
  | { kind: 'refused'; status: 413 | 503 }
  /** The request ended before its body did (the client went away, or the deadline cut it); nothing to answer. */
  | { kind: 'aborted' };

/** Reads `req`'s body up to `limit` bytes, reserving what it holds in `budget`. Never rejects. */
export function readBody(req: IncomingMessage, limit: number, budget: ByteBudget): Promise<BodyResult> {
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let held = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      budget.releaseBody(held);
      held = 0;
      chunks = [];
      resolve(result);
    };
    const refuse = (status: 413 | 503): void => {
      // Stop reading; the caller answers and closes the connection once the answer is out.
      req.pause();
      req.removeAllListeners('data');
      settle({ kind: 'refused', status });
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return refuse(413);
      if (!budget.takeBody(chunk.length)) return refuse(503);
      held += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (settled) return;
      const text = Buffer.concat(chunks).toString('utf8');
      settle({ kind: 'body', text });
    });
    req.on('error', () => settle({ kind: 'aborted' }));
    req.on('close', () => settle({ kind: 'aborted' }));
  });
}
