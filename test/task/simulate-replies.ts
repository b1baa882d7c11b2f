import type { SynapseSpec } from '../../src/protocol/index.js';
import { parseResponse } from '../../src/protocol/index.js';
import type { MinerReply, ProfileAction } from '../../src/task/index.js';

/*
 * A stand-in for the network in the task tests: what a validator with this deadline and size cap makes of a profile's
 * action. The deadline and the cap are simulated (a wait past the deadline is the SDK's 408; a body over the cap is a
 * failure, read no further than the cap). The body is read by the dendrite's own parser (parseResponse: Python's
 * json.loads model, then the synapse's pydantic validation), so what is a 422 and what comes back as fields is the real
 * dendrite's verdict. A `fields` action is sent as the reference axon sends it: the request's fields with the output
 * fields merged over them.
 */

export interface Limits {
  deadlineMs: number;
  maxBytes: number;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Reads a lazily produced body up to the cap: null as soon as it is over (the rest is never produced). */
function collect(chunks: Iterable<Uint8Array>, maxBytes: number): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const c of chunks) {
    size += c.length;
    if (size > maxBytes) return null;
    parts.push(c);
  }
  return Buffer.concat(parts);
}

function read(spec: SynapseSpec, status: number, contentType: string, body: string | Uint8Array): MinerReply {
  const r = parseResponse(spec, status, { 'content-type': contentType }, body);
  return r.status === 200 && r.fields !== null ? { fields: r.fields } : { error: `${r.status} ${r.message ?? ''}` };
}

/** The reply a validator records for one action taken on a request with these fields. */
export function replyOf(spec: SynapseSpec, request: Readonly<Record<string, unknown>>, action: ProfileAction, limits: Limits, elapsedMs = 0): MinerReply {
  switch (action.kind) {
    case 'fields':
      return read(spec, 200, JSON_HEADERS['content-type'], JSON.stringify({ ...request, ...action.fields }));
    case 'status':
      return read(spec, action.status, JSON_HEADERS['content-type'], JSON.stringify({ message: action.message }));
    case 'hang':
      return { error: `408 Request timeout after ${limits.deadlineMs} ms` };
    case 'delay':
      if (elapsedMs + action.ms >= limits.deadlineMs) return { error: `408 Request timeout after ${limits.deadlineMs} ms` };
      return replyOf(spec, request, action.then, limits, elapsedMs + action.ms);
    case 'raw': {
      const body = action.body;
      let bytes: string | Uint8Array | null;
      if (typeof body === 'string') bytes = Buffer.byteLength(body) > limits.maxBytes ? null : body;
      else if (body instanceof Uint8Array) bytes = body.length > limits.maxBytes ? null : body;
      else if (Symbol.iterator in body) bytes = collect(body as Iterable<Uint8Array>, limits.maxBytes);
      else return { error: 'async bodies are not simulated' };
      if (bytes === null) return { error: `response over the ${limits.maxBytes}-byte cap` };
      return read(spec, action.status, action.contentType, bytes);
    }
  }
}
