import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeyError, loadKey } from '../../src/keys/index.js';

const dir = mkdtempSync(join(tmpdir(), 'yumaval-keys-'));
function keyFile(name: string, content: string, mode: number): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

let mnemonic: string;
beforeAll(async () => {
  await cryptoWaitReady();
  mnemonic = mnemonicGenerate();
});

describe('loadKey', () => {
  it('loads a mnemonic file readable by its owner only, with the address the keyring derives', async () => {
    const k = await loadKey({ file: keyFile('m.key', `${mnemonic}\n`, 0o600) });
    expect(k.address).toBe(new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(mnemonic).address);
    expect(k.source).toMatch(/^file /);
  });

  it('refuses a key file that group or others can read, naming the mode but not the content', async () => {
    const p = keyFile('open.key', mnemonic, 0o644);
    const err = await loadKey({ file: p }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyError);
    expect((err as Error).message).toMatch(/mode 644.*chmod 600/);
    expect((err as Error).message).not.toContain(mnemonic.split(' ')[0]!);
  });

  it('loads a 0x seed from an environment variable, and names a missing one', async () => {
    process.env.YUMAVAL_TEST_KEY = `0x${'11'.repeat(32)}`;
    const k = await loadKey({ env: 'YUMAVAL_TEST_KEY' });
    expect(k.address).toBe(new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromSeed(new Uint8Array(32).fill(0x11)).address);
    await expect(loadKey({ env: 'YUMAVAL_TEST_KEY_MISSING' })).rejects.toThrow(/env YUMAVAL_TEST_KEY_MISSING: is not set/);
  });

  it('accepts dev URIs only when dev keys are allowed', async () => {
    await expect(loadKey({ uri: '//Alice' })).rejects.toThrow(/pass --dev/);
    expect((await loadKey({ uri: '//Alice' }, { dev: true })).address).toBe('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    const f = keyFile('dev.key', '//Bob', 0o600);
    await expect(loadKey({ file: f })).rejects.toThrow(/dev URI/);
  });

  it('refuses garbage without echoing it', async () => {
    const secretish = 'not a mnemonic at all but secret words here ok';
    const err = await loadKey({ file: keyFile('bad.key', secretish, 0o600) }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/neither a valid mnemonic/);
    expect((err as Error).message).not.toContain('secret');
  });
});
