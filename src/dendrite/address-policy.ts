import { isIPv4, isIPv6 } from 'node:net';

/*
 * Which axon addresses the dendrite may dial. Axon IPs come from the chain, where anyone who registers a hotkey
 * writes them: without a policy a miner could point the validator at its own loopback services, its LAN, a cloud
 * metadata endpoint (169.254.169.254) or a multicast group. So every address is checked before it is dialed, and only
 * literal IP text is accepted (a host name would mean a DNS lookup that the chain's data should not trigger).
 *
 * Two classes of refusal:
 * - "local" ranges (private, loopback, link-local, CGNAT, unspecified, unique-local): refused unless `allowPrivate`
 *   is set, which a devnet or demo on loopback needs;
 * - ranges that are never a unicast TCP destination (multicast, broadcast, reserved): refused always.
 * IPv4 addresses carried inside IPv6 (IPv4-mapped ::ffff:a.b.c.d, the NAT64 prefix 64:ff9b::/96) are judged by
 * the IPv4 address, since that is where the packets go.
 */

/** Options of checkAddress. */
export interface AddressPolicyOptions {
  /** Dial private, loopback, link-local, CGNAT and unspecified addresses (a devnet, a demo, a LAN). */
  allowPrivate?: boolean;
}

/** The verdict on one address. */
export type AddressCheck =
  | { readonly ok: true; readonly family: 4 | 6 }
  | { readonly ok: false; readonly reason: string };

/** A CIDR range with what it is; `local` ranges are the ones `allowPrivate` lets through. */
interface Range {
  readonly bytes: readonly number[];
  readonly prefix: number;
  readonly cidr: string;
  readonly what: string;
  readonly local: boolean;
}

function range(cidr: string, what: string, local: boolean): Range {
  const [text, bits] = cidr.split('/') as [string, string];
  const bytes = parseBytes(text);
  // An invariant of the built-in tables below, checked at load: never reachable from input, so not a YumavalError.
  if (bytes === null) throw new Error(`address-policy: bad range ${cidr}`);
  return { bytes, prefix: Number(bits), cidr, what, local };
}

// Order matters only for the reason given: the narrower range is listed first (broadcast before reserved).
const V4_RANGES: readonly Range[] = [
  range('0.0.0.0/8', 'unspecified ("this network")', true),
  range('10.0.0.0/8', 'private', true),
  range('100.64.0.0/10', 'carrier-grade NAT (shared address space)', true),
  range('127.0.0.0/8', 'loopback', true),
  range('169.254.0.0/16', 'link-local', true),
  range('172.16.0.0/12', 'private', true),
  range('192.168.0.0/16', 'private', true),
  range('224.0.0.0/4', 'multicast', false),
  range('255.255.255.255/32', 'broadcast', false),
  range('240.0.0.0/4', 'reserved', false),
];

const V6_RANGES: readonly Range[] = [
  range('::/128', 'unspecified', true),
  range('::1/128', 'loopback', true),
  // ::a.b.c.d, deprecated (RFC 4291 §2.5.5.1); nothing routes it, and it is a way to spell loopback differently.
  range('::/96', 'IPv4-compatible (deprecated)', false),
  range('fc00::/7', 'unique local (private)', true),
  range('fec0::/10', 'site-local (deprecated, private)', true),
  range('fe80::/10', 'link-local', true),
  range('ff00::/8', 'multicast', false),
];

const MAPPED: Range = range('::ffff:0:0/96', 'IPv4-mapped', false);
const NAT64: Range = range('64:ff9b::/96', 'NAT64', false);

/** The bytes of an IPv4 or IPv6 literal (4 or 16), or null for anything else. */
function parseBytes(text: string): number[] | null {
  if (isIPv4(text)) return text.split('.').map(Number);
  if (!isIPv6(text) || text.includes('%')) return null;
  let s = text;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted !== null) {
    tail.push(...(dotted[1] as string).split('.').map(Number));
    s = s.slice(0, dotted.index);
    // "::1.2.3.4" leaves "::", "1::1.2.3.4" leaves "1::", "1:2:3:4:5:6:1.2.3.4" leaves "1:2:3:4:5:6:".
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
  }
  const groupsWanted = 8 - tail.length / 2;
  const [head, rest] = s.includes('::') ? (s.split('::') as [string, string]) : [s, null];
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === null || rest === '' ? [] : rest.split(':');
  const zeros = rest === null ? 0 : groupsWanted - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...new Array<string>(zeros).fill('0'), ...restGroups];
  if (groups.length !== groupsWanted) return null;
  const bytes: number[] = [];
  for (const g of groups) {
    const v = parseInt(g, 16);
    bytes.push(v >> 8, v & 0xff);
  }
  return [...bytes, ...tail];
}

function inRange(bytes: readonly number[], r: Range): boolean {
  if (bytes.length !== r.bytes.length) return false;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] as number) & mask) !== ((r.bytes[i] as number) & mask)) return false;
  }
  return true;
}

function judge(bytes: readonly number[], ranges: readonly Range[], allowPrivate: boolean, shown: string): string | null {
  for (const r of ranges) {
    if (!inRange(bytes, r)) continue;
    if (r.local && allowPrivate) return null;
    const hint = r.local ? '; set allowPrivate to dial it' : '';
    return `${shown} is ${r.what} (${r.cidr})${hint}`;
  }
  return null;
}

/**
 * Says whether the dendrite may dial an axon address. Pure; the reason names the range that refused it.
 * @param ip the axon's IP as text (IPv4 dotted quad or IPv6, no brackets, no zone index)
 */
export function checkAddress(ip: string, options: AddressPolicyOptions = {}): AddressCheck {
  const allowPrivate = options.allowPrivate === true;
  const shown = JSON.stringify(ip.length > 64 ? `${ip.slice(0, 64)}…` : ip);
  const bytes = typeof ip === 'string' ? parseBytes(ip) : null;
  if (bytes === null) return { ok: false, reason: `${shown} is not an IPv4 or IPv6 address` };
  if (bytes.length === 4) {
    const reason = judge(bytes, V4_RANGES, allowPrivate, shown);
    return reason === null ? { ok: true, family: 4 } : { ok: false, reason };
  }
  for (const carrier of [MAPPED, NAT64]) {
    if (!inRange(bytes, carrier)) continue;
    const v4 = bytes.slice(12);
    const reason = judge(v4, V4_RANGES, allowPrivate, `${shown} (${carrier.what} ${v4.join('.')})`);
    return reason === null ? { ok: true, family: 6 } : { ok: false, reason };
  }
  const reason = judge(bytes, V6_RANGES, allowPrivate, shown);
  return reason === null ? { ok: true, family: 6 } : { ok: false, reason };
}
