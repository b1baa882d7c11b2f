import type { Dispatcher } from 'undici';
import { buildRequest, parseResponse, PARSE_FAILURE_MESSAGE, type NonceClock } from '../protocol/index.js';
import type { Signer, SynapseSpec } from '../protocol/index.js';
import { send } from './send.js';
import { failureStatus, redirectStatus, sanitize, type FailureKind } from './status.js';

/*
 * One request end to end, as a worker runs it: sign (with a fresh nonce), send under the deadline and the cap, and
 * read the answer as the SDK's dendrite records it. Never throws: whatever the miner does, the outcome is a result.
 */

/** Why a result carries no usable answer: a transport failure, or a redirect that was not followed. */
export type ResultFailure = FailureKind | 'redirect';

/** What the dendrite records for one axon (the SDK's `synapse.dendrite` status plus the parsed fields). */
export interface QueryResult {
  /** `dendrite.status_code`: 200 on success, else the axon's or the transport's code (validator-sdk-spec §1.7). */
  status: number;
  /** `dendrite.status_message`. */
  message: string | null;
  /** Client-measured wall time in seconds from sending to having read the answer; null when no answer was read. */
  processTime: number | null;
  /** The miner's own processing time in seconds (`axon.process_time`), when its headers say. */
  axonProcessTime: number | null;
  /** The synapse's own fields as the miner returned them, for a 200 that parsed; else null. */
  fields: Record<string, unknown> | null;
  /** Set when the dendrite, not the axon, decided the status (the kind of failure); null for an axon's answer. */
  failure: ResultFailure | null;
  /** The uid given with the axon, if any. */
  uid?: number;
}

/** One request of a worker task: where to, and the synapse's own field values. */
export interface RequestSpec {
  readonly ip: string;
  readonly port: number;
  readonly hotkey: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** What a worker owns and every request uses. */
export interface RequestDeps {
  readonly signer: Signer;
  readonly uuid: string;
  readonly nonces: NonceClock;
  readonly dispatcher: Dispatcher;
  readonly externalIp: string;
  readonly maxResponseBytes: number;
}

/** The current time in ms on a clock shared by every thread of the process (performance.now is per thread). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Sends one signed request and records the result.
 * @param deadlineAt the absolute deadline (epochMs clock): time spent waiting for a slot counts against it
 */
export async function runRequest(deps: RequestDeps, spec: SynapseSpec, r: RequestSpec, timeoutSeconds: number, deadlineAt: number): Promise<QueryResult> {
  const at = { ip: r.ip, port: r.port, name: spec.name, timeoutSeconds };
  const failed = (kind: FailureKind, detail: string): QueryResult => ({ ...failureStatus(kind, at, detail), processTime: null, axonProcessTime: null, fields: null, failure: kind });
  try {
    const remaining = deadlineAt - epochMs();
    if (remaining <= 0) return failed('timeout', 'no time left before the deadline');
    let built;
    try {
      built = buildRequest(spec, r.input, { ip: r.ip, port: r.port, hotkey: r.hotkey }, {
        signer: deps.signer, uuid: deps.uuid, nonce: deps.nonces.next(), timeoutSeconds, externalIp: deps.externalIp,
      });
    } catch (e) {
      return failed('client', `cannot build the request: ${(e as Error).message}`);
    }
    const out = await send(deps.dispatcher, built, { timeoutMs: deadlineAt - epochMs(), maxResponseBytes: deps.maxResponseBytes });
    if (out.kind === 'failure') return failed(out.failure, out.detail);
    const processTime = out.elapsedMs / 1000;
    if (out.status >= 300 && out.status < 400) {
      return { ...redirectStatus(out.status, out.headers['location']), processTime, axonProcessTime: null, fields: null, failure: 'redirect' };
    }
    const parsed = parseResponse(spec, out.status, out.headers, out.body);
    // A body the SDK could not read is an exception there (process_time stays None); tell it from an axon's own 422.
    const unreadable = parsed.status === 422 && out.status !== 422 && parsed.fields === null
      && (parsed.message ?? '').startsWith(`${PARSE_FAILURE_MESSAGE}: `);
    if (unreadable) return { status: 422, message: sanitize(parsed.message ?? PARSE_FAILURE_MESSAGE, 300), processTime: null, axonProcessTime: null, fields: null, failure: 'parse' };
    return {
      status: parsed.status,
      message: parsed.message === null ? null : sanitize(parsed.message, 1000),
      processTime,
      axonProcessTime: parsed.axonProcessTime,
      fields: parsed.fields,
      failure: null,
    };
  } catch (e) {
    // A bug of ours, not the miner's doing; still a result.
    return failed('client', (e as Error)?.message ?? String(e));
  }
}
