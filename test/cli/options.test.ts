import { describe, expect, it } from 'vitest';
import { parseKeyOptions } from '../../src/cli/options.js';
import { InvalidOptionError } from '../../src/errors/index.js';

describe('the shared key options (weights set, miner, query)', () => {
  it('reads --key as a file, a dev URI only with --dev, and --key-env as an environment variable', () => {
    expect(parseKeyOptions({ key: '/secrets/hotkey' }, 'validator')).toEqual({ key: { file: '/secrets/hotkey' }, dev: false });
    expect(parseKeyOptions({ key: '//Alice', dev: true }, 'validator')).toEqual({ key: { uri: '//Alice' }, dev: true });
    expect(parseKeyOptions({ keyEnv: 'YUMAVAL_HOTKEY' }, 'miner')).toEqual({ key: { env: 'YUMAVAL_HOTKEY' }, dev: false });
  });

  it('names what is wrong', () => {
    expect(() => parseKeyOptions({ key: '//Alice' }, 'validator')).toThrow(/add --dev/);
    expect(() => parseKeyOptions({}, 'miner')).toThrow(/miner hotkey file.*--key-env/);
    expect(() => parseKeyOptions({ key: 'f', keyEnv: 'X' }, 'validator')).toThrow(/not both/);
    expect(() => parseKeyOptions({ keyEnv: 'NOT A NAME' }, 'validator')).toThrow(InvalidOptionError);
    expect(() => parseKeyOptions({ keyEnv: '1X' }, 'validator')).toThrow(/NAME of an environment variable/);
  });

  it('never repeats the value of --key or --key-env in a message (it may be the secret itself)', () => {
    const seed = `0x${'ab'.repeat(32)}`;
    for (const raw of [{ keyEnv: seed }, { keyEnv: '//Zed7//x' }, { key: '//Zed7//x' }, { keyEnv: 'piano manage a b' }]) {
      let message = '';
      try {
        parseKeyOptions(raw, 'validator');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^option --key(-env)?: /);
      expect(message).not.toContain('abab');
      expect(message).not.toContain('Zed7');
      expect(message).not.toContain('piano');
    }
  });
});
