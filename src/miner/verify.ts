import { publicKeyOf, pyRepr, type PyValue, signatureMessage, verifySignature } from '../protocol/index.js';
import type { NonceStore } from './nonce-store.js';

/*
 * The SDK axon's `default_verify` (spec §1.6): the nonce must be present; for a dendrite of version ≥ 7.2.0 the first
 * nonce of an endpoint key (hotkey:uuid) must be newer than now − 4 s − timeout; every nonce must be above the last
 * one accepted for the key; the signature must verify (plain or <Bytes>-wrapped) over
 * "{nonce}.{dendrite_hotkey}.{OUR hotkey}.{uuid}.{computed_body_hash}". Only then is the nonce recorded.
 */

const V_7_2_0 = 7_002_000;
const ALLOWED_DELTA_NS = 4_000_000_000n;

/** A refusal before the handler: the status and the message the error body carries. */
export class Refusal {
  constructor(readonly status: number, readonly message: string) {}
}

/** What verification needs from the axon. */
export interface VerifyContext {
  nonces: NonceStore;
  clockNs: () => bigint;
  /** The axon's own hotkey: the SDK signs for it, whatever the bt_header_axon_hotkey header says. */
  myHotkey: string;
  /** Refuse requests without a signature (the SDK accepts them). */
  requireSignature: boolean;
}

/** A Python int of a dump as bigint (null for None or anything else). */
export function pyInt(v: PyValue | undefined): bigint | null {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  return null;
}

/** Python str() of a TerminalInfo value for a signed message ("None" when absent). */
export function pyText(v: PyValue | undefined): string {
  return v === null || v === undefined ? 'None' : typeof v === 'string' ? v : pyRepr(v);
}

function terminalOf(dump: ReadonlyMap<string, PyValue>, side: 'axon' | 'dendrite'): ReadonlyMap<string, PyValue> {
  const t = dump.get(side);
  return t instanceof Map ? (t as ReadonlyMap<string, PyValue>) : new Map();
}

/** Verifies a request synapse (built from its headers); null when it passes, else the 401 refusal. */
export function defaultVerify(dump: ReadonlyMap<string, PyValue>, timeout: number | null, c: VerifyContext): Refusal | null {
  const d = terminalOf(dump, 'dendrite');
  const hotkey = d.get('hotkey');
  const nonce = pyInt(d.get('nonce'));
  const uuid = d.get('uuid');
  const version = pyInt(d.get('version'));
  const signature = d.get('signature');
  const hash = dump.get('computed_body_hash');
  const fail = (m: string): Refusal => new Refusal(401, `Not Verified with error: ${m}`);
  if (typeof hotkey !== 'string') return fail('No SS58 formatted address or public key provided');
  // The SDK builds Keypair(ss58_address=hotkey) first: a hotkey that is not ss58 fails before any nonce check, even
  // for an unsigned request.
  try {
    publicKeyOf(hotkey);
  } catch (e) {
    return fail((e as Error).message);
  }
  const endpointKey = `${hotkey}:${pyText(uuid)}`;
  if (nonce === null) return fail('Missing Nonce');
  const last = c.nonces.get(endpointKey);
  if (version !== null && version >= V_7_2_0) {
    const now = c.clockNs();
    const timeoutNs = BigInt(Math.round((timeout ?? 0) * 1e9));
    const window = now - ALLOWED_DELTA_NS - timeoutNs;
    if (last === undefined && nonce <= window) {
      const allowed = (Number(ALLOWED_DELTA_NS + timeoutNs) / 1e9).toFixed(2);
      return fail(`Nonce is too old: acceptable delta is ${allowed} seconds but request was ${(Number(now - nonce) / 1e9).toFixed(2)} seconds old`);
    }
  }
  if (last !== undefined && nonce <= last) return fail('Nonce is too old, a newer one was last processed');
  const message = signatureMessage(nonce, hotkey, c.myHotkey, typeof uuid === 'string' ? uuid : null, typeof hash === 'string' ? hash : null);
  if (typeof signature === 'string' && signature !== '') {
    let ok: boolean;
    try {
      ok = verifySignature(message, signature, hotkey);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (!ok) return fail(`Signature mismatch with ${message} and ${signature}`);
  } else if (c.requireSignature) return fail('Missing Signature');
  c.nonces.set(endpointKey, nonce);
  return null;
}
