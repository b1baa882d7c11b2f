import { randomBytes } from 'node:crypto';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { looksLikeSecret, nearestName, scrubSecrets, showPath, showValue } from '../../src/errors/index.js';

let mnemonics: string[];
beforeAll(async () => {
  await cryptoWaitReady();
  mnemonics = [12, 15, 18, 21, 24].map((w) => mnemonicGenerate(w as 12 | 15 | 18 | 21 | 24));
});

describe('secret-looking values are never shown', () => {
  it('mnemonics of every length, 0x seeds, bare hex keys and dev URIs look like secrets; paths and URLs do not', () => {
    for (const m of mnemonics) {
      expect(looksLikeSecret(m)).toBe(true);
      expect(looksLikeSecret(`${m}//hard/soft`)).toBe(true);
      expect(looksLikeSecret(m.toUpperCase().replace(/ /g, ',  '))).toBe(true);
    }
    expect(looksLikeSecret(`0x${randomBytes(32).toString('hex')}`)).toBe(true);
    expect(looksLikeSecret(randomBytes(32).toString('hex'))).toBe(true);
    expect(looksLikeSecret('//Alice')).toBe(true);
    for (const ok of ['/etc/yumaval/hotkey', 'scores.json', './my results/run 1.json', 'ws://127.0.0.1:9944', 'YUMAVAL_HOTKEY', '-']) {
      expect(looksLikeSecret(ok)).toBe(false);
      expect(showPath(ok)).toBe(ok);
      expect(showValue(ok)).toBe(JSON.stringify(ok));
    }
    // Eleven words are not a mnemonic; prose is not one either.
    expect(looksLikeSecret(mnemonics[0]!.split(' ').slice(0, 11).join(' '))).toBe(false);
    expect(looksLikeSecret('the batch needs more memory than the engine holds: score fewer queries, miners or dense answers per batch')).toBe(false);
  });

  it('scrubSecrets hides mnemonic runs and dev URIs in a message, and keeps the rest', () => {
    const m = mnemonics[1]!;
    const out = scrubSecrets(`cannot write //Probe7//stash: ENOENT; key file ${m}: no such file; chain ws://127.0.0.1:9 (try //Alice)`);
    expect(out).not.toContain('Probe7');
    for (const w of m.split(' ').slice(2)) expect(out).not.toMatch(new RegExp(`\\b${w}\\b.*\\b${w}\\b`));
    expect(out).not.toContain(m.split(' ').slice(3, 5).join(' '));
    expect(out).toContain('ws://127.0.0.1:9');
    expect(out).toContain('//Alice');
    expect(out).toContain('ENOENT');
    // Hex runs are kept by default (block hashes look like seeds), replaced with hex: true.
    const hash = `0x${'ab'.repeat(32)}`;
    expect(scrubSecrets(`block ${hash} not found`)).toContain(hash);
    expect(scrubSecrets(`unknown option '--kye=${hash}'`, { hex: true })).toBe("unknown option '--kye=(not shown)'");
  });
});

describe('nearestName', () => {
  it('finds the field a typo meant', () => {
    const fields = ['kappa', 'bondsMovingAverage', 'bondsPenalty', 'alphaLow', 'alphaHigh', 'tempo'];
    expect(nearestName('kapa', fields)).toBe('kappa');
    expect(nearestName('bondsMovingAvrage', fields)).toBe('bondsMovingAverage');
    expect(nearestName('bondspenalty', fields)).toBe('bondsPenalty');
    expect(nearestName('tmepo', fields)).toBe('tempo');
    expect(nearestName('x'.repeat(1_000_000), fields)).toMatch(/^(kappa|tempo|alphaLow)$/);
  });
});
