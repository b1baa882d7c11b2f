import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../src/dendrite/address-policy.js';

/*
 * Every refused range, with the addresses just inside both ends and just outside both ends (written by hand from the
 * IANA special-purpose registries, not computed by the code under test). `local` ranges pass with allowPrivate.
 */
interface Case { readonly range: string; readonly local: boolean; readonly inside: readonly string[]; readonly outside: readonly string[] }

const V4: readonly Case[] = [
  { range: '0.0.0.0/8', local: true, inside: ['0.0.0.0', '0.255.255.255'], outside: ['1.0.0.0'] },
  { range: '10.0.0.0/8', local: true, inside: ['10.0.0.0', '10.255.255.255'], outside: ['9.255.255.255', '11.0.0.0'] },
  { range: '100.64.0.0/10', local: true, inside: ['100.64.0.0', '100.127.255.255'], outside: ['100.63.255.255', '100.128.0.0'] },
  { range: '127.0.0.0/8', local: true, inside: ['127.0.0.0', '127.0.0.1', '127.255.255.255'], outside: ['126.255.255.255', '128.0.0.0'] },
  { range: '169.254.0.0/16', local: true, inside: ['169.254.0.0', '169.254.169.254', '169.254.255.255'], outside: ['169.253.255.255', '169.255.0.0'] },
  { range: '172.16.0.0/12', local: true, inside: ['172.16.0.0', '172.31.255.255'], outside: ['172.15.255.255', '172.32.0.0'] },
  { range: '192.168.0.0/16', local: true, inside: ['192.168.0.0', '192.168.255.255'], outside: ['192.167.255.255', '192.169.0.0'] },
  { range: '224.0.0.0/4', local: false, inside: ['224.0.0.0', '239.255.255.255'], outside: ['223.255.255.255'] },
  { range: '240.0.0.0/4', local: false, inside: ['240.0.0.0', '255.255.255.254'], outside: [] },
  { range: '255.255.255.255/32', local: false, inside: ['255.255.255.255'], outside: [] },
];

const V6: readonly Case[] = [
  { range: '::/128', local: true, inside: ['::', '0:0:0:0:0:0:0:0'], outside: [] },
  { range: '::1/128', local: true, inside: ['::1', '0:0:0:0:0:0:0:1'], outside: [] },
  { range: '::/96', local: false, inside: ['::2', '::1.2.3.4', '::ffff:ffff'], outside: ['::1:0:0', '::fffe:0:0'] },
  { range: 'fc00::/7', local: true, inside: ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fd12:3456::1'], outside: ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe00::'] },
  { range: 'fe80::/10', local: true, inside: ['fe80::', 'FE80::1', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], outside: ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff'] },
  { range: 'fec0::/10', local: true, inside: ['fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], outside: [] },
  { range: 'ff00::/8', local: false, inside: ['ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], outside: ['feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'] },
];

/** Public unicast addresses, some on the edge of a refused range. */
const PUBLIC = [
  '1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255', '128.0.0.0',
  '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0', '223.255.255.255', '169.253.255.255', '169.255.0.0',
  '2001:db8::1', '2606:4700:4700::1111', '2001:4860:4860::8888', '::1:0:0', 'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fe00::', 'fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::ffff:8.8.8.8', '::ffff:0808:0808', '64:ff9b::1.1.1.1',
  '1:2:3:4:5:6:7.8.9.10', '::fffe:0:0',
];

describe('checkAddress', () => {
  for (const c of [...V4, ...V6]) {
    for (const ip of c.inside) {
      it(`refuses ${ip} (${c.range}) and names the range`, () => {
        const r = checkAddress(ip);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toContain(c.range);
        // allowPrivate lets local ranges through and never the others.
        expect(checkAddress(ip, { allowPrivate: true }).ok).toBe(c.local);
      });
    }
    for (const ip of c.outside) {
      it(`does not refuse ${ip} as ${c.range}`, () => {
        const r = checkAddress(ip);
        if (!r.ok) expect(r.reason).not.toContain(`(${c.range})`);
      });
    }
  }

  for (const ip of PUBLIC) {
    it(`accepts public ${ip}`, () => {
      expect(checkAddress(ip)).toEqual({ ok: true, family: ip.includes(':') ? 6 : 4 });
    });
  }

  it('judges IPv4-mapped and NAT64 addresses by their IPv4 address', () => {
    for (const [ip, range] of [
      ['::ffff:127.0.0.1', '127.0.0.0/8'], ['::ffff:7f00:1', '127.0.0.0/8'], ['::FFFF:10.1.2.3', '10.0.0.0/8'],
      ['::ffff:192.168.1.1', '192.168.0.0/16'], ['::ffff:169.254.169.254', '169.254.0.0/16'], ['::ffff:0.0.0.0', '0.0.0.0/8'],
      ['::ffff:224.0.0.1', '224.0.0.0/4'], ['::ffff:255.255.255.255', '255.255.255.255/32'], ['64:ff9b::10.0.0.1', '10.0.0.0/8'],
      ['0:0:0:0:0:ffff:100.64.0.1', '100.64.0.0/10'],
    ] as const) {
      const r = checkAddress(ip);
      expect(r.ok, ip).toBe(false);
      if (!r.ok) expect(r.reason).toContain(range);
    }
    expect(checkAddress('::ffff:127.0.0.1', { allowPrivate: true }).ok).toBe(true);
    expect(checkAddress('::ffff:224.0.0.1', { allowPrivate: true }).ok).toBe(false);
  });

  it('refuses text that is not a literal IP address, whatever allowPrivate says', () => {
    for (const ip of ['', 'localhost', 'example.com', '1.2.3', '1.2.3.4.5', '01.2.3.4', '0x7f.0.0.1', '256.0.0.1', ' 1.1.1.1',
      '1.1.1.1 ', '[::1]', 'fe80::1%eth0', '2001:db8::1%1', '1:2:3:4:5:6:7:8:9', ':::', '1.1.1.1:80', 'x'.repeat(1000)]) {
      for (const allowPrivate of [false, true]) {
        const r = checkAddress(ip, { allowPrivate });
        expect(r.ok, ip).toBe(false);
        if (!r.ok) {
          expect(r.reason).toMatch(/not an IPv4 or IPv6 address/);
          expect(r.reason.length).toBeLessThan(120);
        }
      }
    }
  });

  it('says how to allow a local range and not a never-dialable one', () => {
    const local = checkAddress('10.0.0.1');
    const never = checkAddress('224.0.0.1');
    expect(!local.ok && local.reason).toMatch(/private \(10\.0\.0\.0\/8\); set allowPrivate/);
    expect(!never.ok && never.reason).not.toMatch(/allowPrivate/);
  });
});
