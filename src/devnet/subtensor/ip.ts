import { isIPv4, isIPv6 } from 'node:net';
import { describeValue, InvalidInputError } from '../../errors/index.js';

/*
 * Axon addresses as subtensor stores them (AxonInfo.ip: u128, ip_type: 4 or 6): an IPv4 address is its 32-bit
 * big-endian value, an IPv6 address its 128-bit value. This is what the SDK's `ip_to_int` produces and `int_to_ip`
 * reads back.
 */

/** An IP address in the chain's form. */
export interface ChainIp {
  ip: bigint;
  ipType: 4 | 6;
}

function ipv4ToBigInt(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(s: string): bigint {
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) stands for the last two groups.
  let text = s;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    const v4 = ipv4ToBigInt(dotted[1] as string);
    text = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === null || tail === '' ? [] : tail.split(':');
  const zeros = tail === null ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...new Array<string>(zeros).fill('0'), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * Reads an IPv4 or IPv6 address. Loopback is accepted: the devnet writes axons directly (the chain's serve_axon
 * refuses 127.0.0.1, but a devnet on loopback serves miners on loopback).
 */
export function readIp(v: unknown, path: string): ChainIp {
  if (typeof v === 'string' && isIPv4(v)) return { ip: ipv4ToBigInt(v), ipType: 4 };
  if (typeof v === 'string' && isIPv6(v)) return { ip: ipv6ToBigInt(v), ipType: 6 };
  throw new InvalidInputError(path, `expected an IPv4 or IPv6 address such as "127.0.0.1", got ${describeValue(v)}`);
}
