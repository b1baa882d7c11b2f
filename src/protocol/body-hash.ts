import { createHash } from 'node:crypto';
import { SynapseSpecError } from './errors.js';
import { pyStr, type PyValue } from './py-value.js';
import type { SynapseSpec } from './types.js';

/*
 * The SDK's `Synapse.body_hash`: hex(SHA3-256( concat over required_hash_fields of hex(SHA3-256(str(field))) )),
 * with str() applied to the model_dump() value (after pydantic's coercion) and the text UTF-8 encoded. With no hash
 * fields it is SHA3-256 of the empty string. SHA3-256 is FIPS-202 (node's 'sha3-256'), not Keccak-256.
 */

/** hex(SHA3-256(utf8(text))), the SDK's `get_hash`. */
export function sha3Hex(text: string): string {
  return createHash('sha3-256').update(text, 'utf8').digest('hex');
}

/** The body hash from the Python `str()` renderings of the hash fields, in `required_hash_fields` order. */
export function bodyHashOfStrings(strings: readonly string[]): string {
  return sha3Hex(strings.map(sha3Hex).join(''));
}

/**
 * The body hash of a synapse from its model_dump (the coerced values, keyed by field name, base fields included so
 * that a spec may name `timeout` or `dendrite` as a hash field as the SDK allows).
 */
export function bodyHash(spec: SynapseSpec, dump: ReadonlyMap<string, PyValue>): string {
  const strings = spec.requiredHashFields.map((f) => {
    if (!dump.has(f)) throw new SynapseSpecError(spec.name, `hash field ${f} is not a field of the synapse`);
    return pyStr(dump.get(f)!);
  });
  return bodyHashOfStrings(strings);
}
