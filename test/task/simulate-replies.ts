import type { MinerReply, ProfileAction } from '../../src/task/index.js';

/*
 * A stand-in for the dendrite in the task tests: what a validator with this deadline and size cap makes of a profile's
 * action, without a network. It follows the SDK's outcomes (validator-sdk-spec.md §1.7): a status ≠ 200 is a failure,
 * a wait past the deadline is a timeout (408), a body over the cap or not strict JSON is a failure (the real transport's
 * codes are its own business; here any failure is `{ error }`), and a 200 with a JSON object body is its fields.
 */

export interface Limits {
  deadlineMs: number;
  maxBytes: number;
}

function bodyText(body: string | Uint8Array, maxBytes: number): string | null {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (bytes.length > maxBytes) return null;
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

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

/** The reply a validator records for one action. */
export function replyOf(action: ProfileAction, limits: Limits, elapsedMs = 0): MinerReply {
  switch (action.kind) {
    case 'fields':
      return { fields: action.fields };
    case 'status':
      return { error: `${action.status} ${action.message}` };
    case 'hang':
      return { error: `408 Request timeout after ${limits.deadlineMs} ms` };
    case 'delay':
      if (elapsedMs + action.ms >= limits.deadlineMs) return { error: `408 Request timeout after ${limits.deadlineMs} ms` };
      return replyOf(action.then, limits, elapsedMs + action.ms);
    case 'raw': {
      if (action.status !== 200) return { error: `${action.status} raw body` };
      const body = action.body;
      let bytes: string | Uint8Array | null;
      if (typeof body === 'string' || body instanceof Uint8Array) bytes = body;
      else if (Symbol.iterator in body) bytes = collect(body as Iterable<Uint8Array>, limits.maxBytes);
      else return { error: 'async bodies are not simulated' };
      if (bytes === null) return { error: `response over the ${limits.maxBytes}-byte cap` };
      let text: string | null;
      try {
        text = bodyText(bytes, limits.maxBytes);
      } catch {
        return { error: '422 Failed to parse response (not UTF-8)' };
      }
      if (text === null) return { error: `response over the ${limits.maxBytes}-byte cap` };
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: '422 Failed to parse response (not an object)' };
        return { fields: parsed };
      } catch {
        return { error: '422 Failed to parse response' };
      }
    }
  }
}
