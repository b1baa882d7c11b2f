import { bodyHash } from './body-hash.js';
import { SynapseInputError } from './errors.js';
import { toHeaders } from './headers.js';
import { jsonDumps } from './py-value.js';
import { signMessage, signatureMessage } from './signature.js';
import { checkSpec, ownFieldsDump, synapseDump, terminalFromInfo } from './synapse-model.js';
import type { AxonTarget, BuiltRequest, RequestContext, SynapseSpec } from './types.js';

/*
 * One request as the SDK's dendrite sends it (`Dendrite.call`): preprocess_synapse_for_request fills the dendrite and
 * axon TerminalInfo and signs; to_headers() makes the headers; the body is json.dumps(model_dump()).
 */

/** The SDK version a request reports by default (10.2.0 as `version_as_int`); ≥ 7002000 selects the nonce window. */
export const DENDRITE_VERSION = 10_002_000;

/** Header values must be visible ASCII: an axon address or hotkey from the chain is untrusted text. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const checked = new WeakSet<SynapseSpec>();

/** The URL of a synapse route on an axon: http://ip:port/Name, an IPv6 address in brackets. */
export function axonUrl(target: AxonTarget, name: string): string {
  const host = target.ip.includes(':') ? `[${target.ip}]` : target.ip;
  return `http://${host}:${target.port}/${name}`;
}

function checkTarget(spec: SynapseSpec, t: AxonTarget, ctx: RequestContext): void {
  const bad = (f: string, d: string): never => { throw new SynapseInputError(spec.name, f, d); };
  if (typeof t.ip !== 'string' || !HEADER_SAFE.test(t.ip)) bad('axon.ip', 'expected an IP address in visible ASCII');
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) bad('axon.port', `expected a port in 1..65535, got ${String(t.port)}`);
  if (typeof t.hotkey !== 'string' || !HEADER_SAFE.test(t.hotkey)) bad('axon.hotkey', 'expected an ss58 address in visible ASCII');
  if (typeof ctx.uuid !== 'string' || !HEADER_SAFE.test(ctx.uuid)) bad('dendrite.uuid', 'expected a uuid in visible ASCII');
  if (typeof ctx.externalIp !== 'string' || !HEADER_SAFE.test(ctx.externalIp)) bad('dendrite.ip', 'expected an IP address in visible ASCII');
  if (typeof ctx.nonce !== 'bigint' || ctx.nonce < 0n) bad('dendrite.nonce', 'expected a non-negative bigint (ns since the epoch)');
  if (!(Number.isFinite(ctx.timeoutSeconds) && ctx.timeoutSeconds > 0)) bad('timeout', `expected seconds > 0, got ${String(ctx.timeoutSeconds)}`);
  const v = ctx.version ?? DENDRITE_VERSION;
  if (!Number.isSafeInteger(v) || v < 0) bad('dendrite.version', `expected a non-negative integer, got ${String(v)}`);
}

/** The spec checked (once per spec object) and the input coerced as pydantic would: the synapse's own fields. */
function checkedInput(spec: SynapseSpec, input: Readonly<Record<string, unknown>>): ReturnType<typeof ownFieldsDump> {
  if (!checked.has(spec)) {
    checkSpec(spec);
    checked.add(spec);
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new SynapseInputError(spec.name, '', 'the input must be an object of field values');
  for (const k of Object.keys(input)) {
    if (!(k in spec.fields)) throw new SynapseInputError(spec.name, k, `not a field of ${spec.name} (fields: ${Object.keys(spec.fields).join(', ') || 'none'})`);
  }
  return ownFieldsDump(spec, new Map(Object.entries(input)), { where: 'input' });
}

/**
 * Checks an input as buildRequest does (unknown fields, values pydantic would refuse), without building or signing.
 * @throws SynapseInputError
 */
export function checkSynapseInput(spec: SynapseSpec, input: Readonly<Record<string, unknown>>): void {
  checkedInput(spec, input);
}

/**
 * Builds a signed request for one axon: URL, headers (bt_header_*, input_obj, computed_body_hash) and the JSON body,
 * byte for byte as SDK 10.2.0 would send them (total_size and header_size aside, see docs/axon-protocol.md). The
 * input holds the synapse's own fields; unknown names and values pydantic would refuse throw SynapseInputError.
 */
export function buildRequest(spec: SynapseSpec, input: Readonly<Record<string, unknown>>, target: AxonTarget, ctx: RequestContext): BuiltRequest {
  const own = checkedInput(spec, input);
  checkTarget(spec, target, ctx);
  const dendriteInfo = {
    ip: ctx.externalIp,
    version: ctx.version ?? DENDRITE_VERSION,
    nonce: ctx.nonce,
    uuid: ctx.uuid,
    hotkey: ctx.signer.hotkey,
  };
  const dendrite = terminalFromInfo(spec.name, 'dendrite', dendriteInfo);
  const axon = terminalFromInfo(spec.name, 'axon', { ip: target.ip, port: target.port, hotkey: target.hotkey });
  const dump = synapseDump(spec, { timeout: ctx.timeoutSeconds, totalSize: 0, headerSize: 0, dendrite, axon, computedBodyHash: '' }, own);
  // The SDK signs before to_headers() sets total_size; both hashes agree unless total_size is itself a hash field.
  const hash = bodyHash(spec, dump);
  dendrite.set('signature', signMessage(ctx.signer, signatureMessage(ctx.nonce, ctx.signer.hotkey, target.hotkey, ctx.uuid, hash)));
  // total_size stands for Python's recursive getsizeof of the synapse (never checked): the body's own byte length
  // is used, found as the fixed point of "length with total_size 0, plus the extra digits of the number". The body is
  // rendered once with 0 and the number spliced in: `"total_size": 0` first occurs as the field itself, since only
  // "name" (a class name) and "timeout" (a float) precede it.
  const zeroBody = jsonDumps(dump);
  const base = Buffer.byteLength(zeroBody, 'utf8') - 1;
  let size = base + 1;
  while (base + String(size).length !== size) size = base + String(size).length;
  dump.set('total_size', size);
  const body = zeroBody.replace('"total_size": 0,', `"total_size": ${size},`);
  // The header hash is to_headers()'s, taken after total_size is set: the same as the signed one unless total_size is
  // itself a hash field.
  const headerHash = spec.requiredHashFields.includes('total_size') ? undefined : hash;
  return { url: axonUrl(target, spec.name), headers: toHeaders(spec, dump, headerHash), body };
}
