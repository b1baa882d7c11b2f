/*
 * Axon addresses as subtensor stores them (AxonInfo.ip: u128 with ip_type 4 or 6), turned back into text. An IPv4
 * address is its 32-bit big-endian value (`a<<24 | b<<16 | c<<8 | d`), an IPv6 address its 128-bit value; this is
 * what the SDK's `ip_to_int` writes and `int_to_ip` (netaddr) reads. IPv6 is written in RFC 5952's canonical form
 * (lowercase, leading zeros dropped, the longest run of two or more zero groups as `::`, IPv4-mapped addresses as
 * `::ffff:a.b.c.d`), which is also what netaddr prints, so addresses compare as strings.
 */

const U32_MAX = 0xffff_ffffn;
const U128_MAX = (1n << 128n) - 1n;

/** The IPv4 text of a 32-bit value. */
function ipv4(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** The RFC 5952 text of a 128-bit value. */
function ipv6(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  // ::ffff:a.b.c.d (IPv4-mapped) keeps its dotted tail, as RFC 5952 §5 recommends.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${ipv4(v & U32_MAX)}`;
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  // A single zero group is not shortened (RFC 5952 §4.2.2).
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/**
 * The text of an axon's address.
 * @param ip the stored u128
 * @param ipType the stored ip_type: 4 or 6; anything else (0 on an axon never served) is decided by the value, as the
 *   SDK does (values up to 2^32 − 1 are IPv4)
 * @returns the address and the type it was read as
 */
export function decodeAxonIp(ip: bigint, ipType: number): { ip: string; ipType: 4 | 6 } {
  if (ip < 0n || ip > U128_MAX) throw new RangeError(`an axon ip is a u128, got ${ip}`);
  const type: 4 | 6 = ipType === 4 || ipType === 6 ? ipType : ip <= U32_MAX ? 4 : 6;
  // An ip_type 4 whose value does not fit 32 bits is not an IPv4 address; print what the bits say rather than truncate.
  if (type === 4 && ip <= U32_MAX) return { ip: ipv4(ip), ipType: 4 };
  return { ip: ipv6(ip), ipType: 6 };
}
