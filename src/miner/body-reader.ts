import type { IncomingMessage } from 'node:http';
import type { ByteBudget } from './admission.js';

/** A body read whole; `release` gives its bytes back to the budget once it has been parsed. */
export interface BodyRead {
  kind: 'body';
  bytes: Buffer;
  release: () => void;
}

/** Why a body was not read: over the cap, the shared budget full, or the client gone first. */
export type BodyRefusal = 'too-large' | 'busy' | 'aborted';

/** The Content-Length a request declares, or null (none, or not a plain decimal). */
export function declaredLength(req: IncomingMessage): number | null {
  const h = req.headers['content-length'];
  return typeof h === 'string' && /^\d{1,16}$/.test(h) ? Number(h) : null;
}

/**
 * Reads the body up to `cap` bytes, holding its bytes in `budget` while it is in memory: the declared length is
 * reserved before anything is read (a body without one reserves chunk by chunk). 'busy' when the budget cannot take it.
 */
export function readBody(req: IncomingMessage, cap: number, budget: ByteBudget): Promise<BodyRead | BodyRefusal> {
  return new Promise((resolve) => {
    const releases: Array<() => void> = [];
    const releaseAll = (): void => { for (const r of releases.splice(0)) r(); };
    let settled = false;
    const settle = (v: BodyRead | BodyRefusal): void => {
      if (settled) return;
      settled = true;
      if (typeof v === 'string') {
        releaseAll();
        req.pause();
        req.removeAllListeners('data');
      }
      resolve(v);
    };
    const declared = declaredLength(req);
    if (declared !== null && declared > cap) return settle('too-large');
    if (declared !== null && declared > 0) {
      const r = budget.reserve(declared);
      if (r === null) return settle('busy');
      releases.push(r);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > cap) return settle('too-large');
      if (declared === null) {
        const r = budget.reserve(c.length);
        if (r === null) return settle('busy');
        releases.push(r);
      }
      chunks.push(c);
    });
    req.on('end', () => settle({ kind: 'body', bytes: Buffer.concat(chunks), release: releaseAll }));
    req.on('error', () => settle('aborted'));
    req.on('close', () => settle('aborted')); // after 'end' this is a no-op: the first settle wins
  });
}
