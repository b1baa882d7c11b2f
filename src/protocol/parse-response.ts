import { YumavalError } from '../errors/index.js';
import { lowercaseHeaders, type IncomingHeaders } from './headers.js';
import { parsePyJson, toPlain } from './py-json.js';
import { PyFloat, type PyValue } from './py-value.js';
import { synapseFromDict, terminalDump } from './synapse-model.js';
import type { SynapseSpec } from './types.js';

/*
 * What the SDK's dendrite records from an HTTP answer (`Dendrite.call` → `response.json()` →
 * `process_server_response`), as a pure function of status, headers and body:
 * - the body must be JSON with an application/json (or +json) content type, else 422 "Failed to parse response: …"
 *   (aiohttp's ContentTypeError / a JSON error fall to DENDRITE_DEFAULT_ERROR); an empty body reads as None, also 422;
 * - 200: the synapse is rebuilt from the body (a failing validation is 422 too) and its fields are the result;
 * - other statuses: status = the HTTP status, message = body["message"] (a body that is not a dict is 422);
 * - then the response headers' TerminalInfo values override (Synapse.from_headers of the base class), so the status,
 *   message and process time are the axon's `bt_header_axon_*` ones when present.
 */

/** The status the SDK records when the answer cannot be read. */
export const PARSE_FAILURE_STATUS = 422;
/** Its message prefix (the SDK appends ": " and the exception text). */
export const PARSE_FAILURE_MESSAGE = 'Failed to parse response';

/** What a dendrite keeps of one answer. */
export interface ParsedResponse {
  /** The status the SDK would record in `dendrite.status_code`. */
  status: number;
  /** `dendrite.status_message`. */
  message: string | null;
  /** The miner's own processing time in seconds (`axon.process_time`), or null. */
  axonProcessTime: number | null;
  /** The synapse's own fields as the miner returned them (plain JS values), for a 200 that parsed; else null. */
  fields: Record<string, unknown> | null;
}

class ParseFailure extends YumavalError {
  constructor(detail: string) {
    super(detail, 'ERR_RESPONSE_PARSE');
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+?\+)?json/i;

function header(h: IncomingHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? (v as readonly string[])[0] : (v as string | undefined);
}

function decode(body: string | Uint8Array): string {
  if (typeof body === 'string') return body;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ParseFailure("'utf-8' codec can't decode the body");
  }
}

function readJson(headers: IncomingHeaders, body: string | Uint8Array): PyValue {
  const ctype = header(headers, 'content-type') ?? 'application/octet-stream';
  if (!JSON_TYPE.test(ctype)) throw new ParseFailure(`Attempt to decode JSON with unexpected mimetype: ${ctype.slice(0, 60)}`);
  const text = decode(body);
  if (text.trim() === '') return null;
  return parsePyJson(text);
}

/** The TerminalInfo values of the response headers, through the SDK's casts (a bad value fails the whole answer). */
function headerTerminal(headers: IncomingHeaders, side: 'axon' | 'dendrite'): Map<string, PyValue> {
  const raw = new Map<string, string>();
  const prefix = `bt_header_${side}_`;
  for (const [k, v] of Object.entries(headers)) {
    const key = k.toLowerCase();
    const value = Array.isArray(v) ? (v as readonly string[])[0] : (v as string | undefined);
    if (value !== undefined && key.includes(prefix)) raw.set(key.split(prefix)[1]!, value);
  }
  return terminalDump('Synapse', side, raw);
}

function numberOf(v: PyValue | undefined): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

/** Reads one HTTP answer as the SDK's dendrite does (see the module comment). Never throws for any input. */
export function parseResponse(spec: SynapseSpec, httpStatus: number, rawHeaders: IncomingHeaders, body: string | Uint8Array): ParsedResponse {
  try {
    const headers = lowercaseHeaders(rawHeaders);
    const json = readJson(headers, body);
    let axon: Map<string, PyValue>;
    let fields: Record<string, unknown> | null = null;
    if (httpStatus === 200) {
      const dump = synapseFromDict(spec, json, 'response');
      const a = dump.get('axon');
      axon = a instanceof Map ? new Map(a as Map<string, PyValue>) : terminalDump(spec.name, 'axon', new Map());
      const own: Record<string, unknown> = {};
      for (const f of Object.keys(spec.fields)) own[f] = toPlain(dump.get(f) ?? null);
      fields = own;
    } else {
      if (!(json instanceof Map)) throw new ParseFailure(`'${json === null ? 'NoneType' : Array.isArray(json) ? 'list' : typeof json}' object has no attribute 'get'`);
      const m = json.get('message');
      axon = terminalDump(spec.name, 'axon', new Map());
      axon.set('status_code', httpStatus);
      axon.set('status_message', m === undefined ? null : (m as PyValue));
    }
    for (const [k, v] of headerTerminal(headers, 'axon')) if (v !== null) axon.set(k, v);
    headerTerminal(headers, 'dendrite'); // validated like the SDK does (a bad value fails the answer), otherwise unused
    const code = numberOf(axon.get('status_code'));
    const msg = axon.get('status_message');
    return {
      status: code === null ? httpStatus : code,
      message: typeof msg === 'string' ? msg : msg === null || msg === undefined ? null : String(toPlain(msg)),
      axonProcessTime: numberOf(axon.get('process_time')),
      fields,
    };
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    return { status: PARSE_FAILURE_STATUS, message: `${PARSE_FAILURE_MESSAGE}: ${detail.slice(0, 200)}`, axonProcessTime: null, fields: null };
  }
}
