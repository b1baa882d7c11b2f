import type { TxStatus } from '../node-types.js';
import type { RpcDef } from './method-types.js';

/*
 * author_*: submitting extrinsics to the node's pool, with or without watching them. A refused extrinsic is the node's
 * TxRejected, answered as the node's JSON-RPC error (1010 "Invalid Transaction" ...); for a watch, the subscribe call
 * itself gets the error and no subscription exists, as in sc-rpc. A watch's `finalized` may be held a moment after its
 * `inBlock` (finality-gate.ts explains why).
 */

/**
 * A status as sc-transaction-pool serialises it: "ready" and "future" as strings, inBlock and finalized as objects with
 * the block hash, and invalid and dropped as bare strings (the node does not send their reason; the pool logs it).
 */
export function statusJson(status: TxStatus): unknown {
  if (typeof status === 'string') return status;
  if ('invalid' in status) return 'invalid';
  if ('dropped' in status) return 'dropped';
  return status;
}

/** Whether the watch ends after this status (the stream finishes after finalized, invalid or dropped). */
function isFinal(status: TxStatus): boolean {
  return typeof status !== 'string' && ('finalized' in status || 'invalid' in status || 'dropped' in status);
}

/** The author_* methods and the extrinsic watch. */
export function authorMethods(): RpcDef[] {
  return [
    { kind: 'method', name: 'author_submitExtrinsic', params: ['extrinsic'], call: (ctx, p) => ctx.node.submit(p.hex(0)) },
    { kind: 'method', name: 'author_pendingExtrinsics', params: [], call: (ctx) => ctx.node.pending() },
    {
      kind: 'subscription',
      name: 'author_submitAndWatchExtrinsic',
      unsubscribe: 'author_unwatchExtrinsic',
      notification: 'author_extrinsicUpdate',
      params: ['bytes'],
      start: (ctx, p, sink) => {
        const xt = p.hex(0);
        const gate = ctx.gate;
        ctx.node.submit(xt, (status) => {
          const deliver = (): void => {
            sink.send(statusJson(status));
            if (isFinal(status)) sink.close();
          };
          if (gate !== null && typeof status !== 'string' && 'finalized' in status) gate.hold(status.finalized, deliver);
          else deliver();
        });
      },
    },
  ];
}
