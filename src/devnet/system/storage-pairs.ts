import { InvalidInputError } from '../../errors/index.js';
import type { Hex } from '../storage-codec.js';

const HEX = /^0x([0-9a-fA-F]{2})*$/;

function isHex(v: unknown): v is Hex {
  return typeof v === 'string' && HEX.test(v);
}

/**
 * The parameters of devnet_setStorage: `[[key, value | null], ...]`, given as one array of pairs or as the pairs
 * themselves; keys and values are 0x-prefixed hex (null deletes). Keys are lower-cased, as the state stores them.
 * @throws InvalidInputError naming the pair that is wrong
 */
export function storagePairs(params: unknown[]): Array<[Hex, Hex | null]> {
  const pairs = params.length === 1 && Array.isArray(params[0]) && params[0].every((p) => Array.isArray(p)) ? params[0] : params;
  return pairs.map((pair: unknown, i): [Hex, Hex | null] => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isHex(pair[0]) || pair[0].length <= 2 || !(pair[1] === null || isHex(pair[1]))) {
      throw new InvalidInputError(`params[${i}]`, 'expected [key, value or null] with 0x-prefixed hex');
    }
    return [pair[0].toLowerCase() as Hex, pair[1] === null ? null : (pair[1].toLowerCase() as Hex)];
  });
}
