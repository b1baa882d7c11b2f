/*
 * What a failed request is recorded as: the status code and message the Python SDK's dendrite would record for the
 * same failure (validator-sdk-spec.md §1.7, `DENDRITE_ERROR_MAPPING` and `process_error_message`), so that scoring
 * code written against the SDK's statuses (is_timeout = 408, is_success = 200, ...) reads yumaval's results the
 * same way. aiohttp's exception types become failure kinds here:
 *
 * | kind          | what happened                                                  | SDK analogue                 | status |
 * |---------------|----------------------------------------------------------------|------------------------------|--------|
 * | refused       | the connection could not be opened (refused, unreachable)      | ClientConnectorError         | 503    |
 * | timeout       | the total deadline passed (connect + headers + body)           | asyncio.TimeoutError         | 408    |
 * | disconnected  | the socket closed or reset before the whole response arrived  | ServerDisconnectedError      | 503    |
 * | bad-response  | the status line or headers are not valid HTTP/1.1             | ClientResponseError (400)    | 400    |
 * | payload       | the body's framing is broken (short body, bad chunking)       | ClientPayloadError           | 400    |
 * | too-large     | the body (or headers) passed the size cap; reading stopped    | ClientPayloadError           | 400    |
 * | parse         | the body is not UTF-8 JSON of the synapse's shape              | DENDRITE_DEFAULT_ERROR       | 422    |
 * | client        | any other transport error                                      | ClientError                  | 500    |
 * | worker        | the worker running the request failed (a yumaval bug)          | —                            | 500    |
 * | policy        | the address policy refused the axon's IP; never dialed         | — (yumaval only)             | 503    |
 * | breaker       | the axon's circuit breaker is open; never dialed               | — (yumaval only)             | 503    |
 *
 * The last two have no SDK counterpart. They are 503 because, to this validator, the service is unavailable: the
 * miner's own refusals keep their codes (403 is the miner blacklisting us, 401 a failed verification), and 503 is
 * what an unreachable axon already gets, so scoring treats "not dialed" as it treats "could not connect". The
 * message says which it was ("address refused by policy", "circuit open") and `failure` in the result carries the
 * kind for code that needs to tell them apart.
 */

/** Why a request produced no usable answer from the axon. */
export type FailureKind =
  | 'refused'
  | 'timeout'
  | 'disconnected'
  | 'bad-response'
  | 'payload'
  | 'too-large'
  | 'parse'
  | 'client'
  | 'worker'
  | 'policy'
  | 'breaker';

/** Where the failed request was going, for the message. */
export interface FailureContext {
  readonly ip: string;
  readonly port: number;
  /** The synapse name (the route). */
  readonly name: string;
  readonly timeoutSeconds: number;
}

/** A status code and message, as the SDK records them in `dendrite.status_code` / `status_message`. */
export interface StatusAndMessage {
  readonly status: number;
  readonly message: string;
}

/** Python's `str()` of a float, as the SDK prints the timeout (12 → "12.0"). */
export function pythonFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  return String(x).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Untrusted text (a miner's header, an error detail) made safe for a one-line message: printable and short. */
export function sanitize(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const s = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function where(c: FailureContext): string {
  const host = c.ip.includes(':') ? `[${c.ip}]` : c.ip;
  return `${host}:${c.port}/${c.name}`;
}

/**
 * The status and message for a failure.
 * @param detail what exactly happened (an error code, the cap, the policy's reason); untrusted text is sanitized
 */
export function failureStatus(kind: FailureKind, c: FailureContext, detail = ''): StatusAndMessage {
  const d = sanitize(detail);
  const colon = d === '' ? '' : `: ${d}`;
  switch (kind) {
    case 'refused': return { status: 503, message: `Service unavailable at ${where(c)}` };
    case 'timeout': return { status: 408, message: `Request timeout after ${pythonFloat(c.timeoutSeconds)} seconds` };
    case 'disconnected': return { status: 503, message: `Service disconnected${colon}` };
    case 'bad-response': return { status: 400, message: `Client response error${colon}` };
    case 'payload': return { status: 400, message: `Payload error${colon}` };
    case 'too-large': return { status: 400, message: `Payload error${colon}` };
    case 'parse': return { status: 422, message: `Failed to parse response${colon}` };
    case 'client': return { status: 500, message: `Client error${colon}` };
    case 'worker': return { status: 500, message: `Client error: the dendrite worker failed${colon}` };
    case 'policy': return { status: 503, message: `Service unavailable at ${where(c)}: address refused by policy (${d}); not dialed` };
    case 'breaker': return { status: 503, message: `Service unavailable at ${where(c)}: circuit open (${d}); not dialed` };
  }
}

/** The message for a 3xx answer, which is recorded with its own status and not followed. */
export function redirectStatus(status: number, location: string | undefined): StatusAndMessage {
  const to = location === undefined ? 'no Location' : `Location ${JSON.stringify(sanitize(location, 120))}`;
  return { status, message: `Redirect not followed (HTTP ${status}, ${to})` };
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL', 'ENOTFOUND', 'EAI_AGAIN', 'EACCES', 'EPERM']);
const DISCONNECTED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);
const TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** The error code of a transport error (the first inner one for an AggregateError from happy eyeballs). */
export function errorCode(err: unknown): string {
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown } | null;
  if (e === null || typeof e !== 'object') return 'unknown';
  if (typeof e.code === 'string' && e.code !== '') return e.code;
  if (Array.isArray(e.errors) && e.errors.length > 0) return errorCode(e.errors[0]);
  if (e.cause !== undefined && e.cause !== err) return errorCode(e.cause);
  return 'unknown';
}

/**
 * Which failure a transport error is.
 * @param phase 'connect' until the status line and headers have arrived, 'body' after
 */
export function classifyError(err: unknown, phase: 'connect' | 'body'): FailureKind {
  const code = errorCode(err);
  if (TIMEOUT.has(code)) return 'timeout';
  // A socket lost once the body has started is a truncated body: aiohttp's ClientPayloadError ("Response payload is
  // not completed"), not a disconnect.
  if (REFUSED.has(code)) return phase === 'connect' ? 'refused' : 'payload';
  if (DISCONNECTED.has(code)) return phase === 'connect' ? 'disconnected' : 'payload';
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return 'payload';
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE' || code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'HPE_HEADER_OVERFLOW') return 'too-large';
  // llhttp's parse errors: a broken status line or headers, or broken body framing once the headers are in. undici
  // 7 leaves their code undefined (it indexes llhttp's name→number table by number), so the name is what is left.
  if (code.startsWith('HPE_') || (err as { name?: unknown } | null)?.name === 'HTTPParserError') return phase === 'connect' ? 'bad-response' : 'payload';
  return 'client';
}
