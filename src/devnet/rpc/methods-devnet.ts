import { InvalidInputError, describeValue } from '../../errors/index.js';
import type { ServedNode } from './node-extensions.js';
import { invalidParams, methodNotFound } from './rpc-error.js';

/*
 * devnet_*: the node's admin methods (newBlock, createSubnet, registerNeuron, setStorage, ...), forwarded by name
 * without the prefix. The server does not know the list: the node refuses a name it lacks with a RangeError, which is
 * "Method not found" here, exactly as for any other unknown method. Bad parameters (InvalidInputError) are
 * "Invalid params" with the node's message as data. newBlock goes to the node's yielding variant when it has one: a
 * call for 100 000 blocks must not keep every other client waiting.
 */

/** The admin namespace. */
export const ADMIN_PREFIX = 'devnet_';

/** JSON has no bigint: an exact integer stays a number while it is safe, and becomes its decimal string beyond. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === 'object') {
    const withToJson = value as { toJSON?: () => unknown };
    if (typeof withToJson.toJSON === 'function') return toJsonSafe(withToJson.toJSON());
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJsonSafe(v);
    return out;
  }
  return value === undefined ? null : value;
}

function mapAdminError(err: unknown): unknown {
  if (err instanceof RangeError) return methodNotFound();
  if (err instanceof InvalidInputError) return invalidParams(err.message);
  return err;
}

/**
 * Runs admin method `name` (without the prefix). Positional parameters are passed as they are; an object of named
 * parameters is passed as the single parameter.
 * @throws RpcError −32601 for a name the node does not have, −32602 for parameters it refuses
 */
export async function callAdmin(node: ServedNode, name: string, rawParams: unknown): Promise<unknown> {
  let params: unknown[];
  if (rawParams === undefined || rawParams === null) params = [];
  else if (Array.isArray(rawParams)) params = rawParams;
  else if (typeof rawParams === 'object') params = [rawParams];
  else throw invalidParams(`expected the parameters as an array or an object, got ${describeValue(rawParams)}`);
  try {
    if (name === 'newBlock' && typeof node.newBlockYielding === 'function') return await node.newBlockYielding(params[0] ?? 1);
    return toJsonSafe(await node.admin(name, params));
  } catch (err) {
    throw mapAdminError(err);
  }
}
