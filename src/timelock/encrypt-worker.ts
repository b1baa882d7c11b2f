import { parentPort } from 'node:worker_threads';
import { encrypt } from './tle.js';

/*
 * The worker side of TimelockWorker (off-thread.ts): one encrypt per message. A failure is sent back as its message
 * and code, so the caller rethrows the same typed error class by code.
 */

/** A request: the plaintext, the round as a decimal string, the beacon key. */
export interface EncryptRequest {
  readonly id: number;
  readonly payload: Uint8Array;
  readonly round: string;
  readonly publicKey: Uint8Array;
}

/** A reply: the ciphertext, or the error's name, code and message. */
export type EncryptReply =
  | { readonly id: number; readonly ok: true; readonly ciphertext: Uint8Array }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly code: string | undefined; readonly message: string };

parentPort?.on('message', (req: EncryptRequest) => {
  let reply: EncryptReply;
  try {
    reply = { id: req.id, ok: true, ciphertext: encrypt(req.payload, BigInt(req.round), req.publicKey) };
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: req.id, ok: false, name: e.name, code: e.code, message: e.message };
  }
  parentPort?.postMessage(reply);
});
