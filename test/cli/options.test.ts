import { describe, expect, it } from 'vitest';
import {
  blockOption, chainOption, choiceOption, DB_DEFAULT, dbOption, flagOption, genesisOption, integerOption, netuidOption, optionalChainTarget, optionalInteger,
  parseChainTarget, parseKeyOptions, pathOption, u64Option,
} from '../../src/cli/options.js';
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

describe('the one option layer (src/cli/options.ts): each kind of option', () => {
  const msg = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidOptionError);
      return (e as Error).message;
    }
    return '(no error)';
  };

  it('integers: digits with an optional sign, inside the range, safe', () => {
    expect(integerOption('--n', '7', 0, 9)).toBe(7);
    expect(integerOption('--n', ' 9 ', 0, 9)).toBe(9);
    expect(integerOption('--seed', '-5', -10, 10)).toBe(-5);
    for (const bad of ['10', '-1', '1.5', '1e3', '0x10', '', 'abc', '99999999999999999999']) {
      expect(msg(() => integerOption('--n', bad, 0, 9))).toBe(`option --n: expected an integer from 0 to 9, got ${JSON.stringify(bad)}`);
    }
    expect(optionalInteger('--n', undefined, 0, 9)).toBeNull();
    expect(blockOption('--from', '12')).toBe(12);
    expect(msg(() => blockOption('--from', '-1'))).toMatch(/^option --from: expected an integer from 0 to 9007199254740991/);
  });

  it('u64: read exactly up to 2^64 - 1', () => {
    expect(u64Option('--version-key', '18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(msg(() => u64Option('--version-key', '18446744073709551616'))).toMatch(/^option --version-key: expected an integer from 0 to 2\^64 - 1/);
    expect(msg(() => u64Option('--version-key', '-1'))).toMatch(/^option --version-key: /);
  });

  it('--chain, --netuid, --at and the optional chain target', () => {
    expect(parseChainTarget({ chain: 'wss://node:443', netuid: '3', at: '0x' + 'AB'.repeat(32) })).toEqual({ chain: 'wss://node:443', netuid: 3, at: '0x' + 'ab'.repeat(32) });
    expect(parseChainTarget({ chain: 'ws://h', netuid: '0', at: '42' })).toEqual({ chain: 'ws://h', netuid: 0, at: 42 });
    expect(msg(() => chainOption('http://h'))).toBe('option --chain: expected a ws:// or wss:// URL, got "http://h"');
    expect(msg(() => chainOption('ws://a b'))).toMatch(/^option --chain: expected a ws:/);
    expect(msg(() => chainOption(undefined, ' (with --netuid)'))).toBe('option --chain: expected a ws:// or wss:// URL (with --netuid), got nothing');
    expect(msg(() => netuidOption('65536'))).toBe('option --netuid: expected an integer from 0 to 65535, got "65536"');
    expect(msg(() => netuidOption(undefined))).toBe('option --netuid: expected an integer from 0 to 65535, got ""');
    expect(msg(() => parseChainTarget({ chain: 'ws://h', netuid: '1', at: 'head' }))).toMatch(/^option --at: expected a block number or a 0x-prefixed 32-byte block hash/);
    expect(optionalChainTarget({})).toBeNull();
    expect(optionalChainTarget({ chain: 'ws://h', netuid: '2' })).toEqual({ chain: 'ws://h', netuid: 2 });
    expect(msg(() => optionalChainTarget({ chain: 'ws://h' }))).toBe('option --netuid: is required with --chain');
    expect(msg(() => optionalChainTarget({ netuid: '2' }))).toMatch(/^option --chain: /);
  });

  it('--genesis, choices, paths, --db and flags', () => {
    expect(genesisOption(undefined)).toBeNull();
    expect(genesisOption('unknown')).toBe('unknown');
    expect(msg(() => genesisOption('0xAB'))).toMatch(/^option --genesis: expected a 0x-prefixed 32-byte hash in lower case/);
    expect(choiceOption('--mode', 'f64', ['exact', 'f64'])).toBe('f64');
    expect(msg(() => choiceOption('--mode', 'f32', ['exact', 'f64']))).toBe('option --mode: expected one of exact, f64, got "f32"');
    expect(pathOption('--out', undefined)).toBeNull();
    expect(msg(() => pathOption('--out', '', 'a directory'))).toBe('option --out: expected a directory');
    expect(dbOption(undefined)).toBe(DB_DEFAULT);
    expect(dbOption('s.db')).toBe('s.db');
    expect(msg(() => dbOption(''))).toBe('option --db: expected a file name');
    // A flag is on only when commander set it: a stray string is not "true".
    expect([flagOption(true), flagOption(undefined), flagOption('true'), flagOption(false)]).toEqual([true, false, false, false]);
  });

  it('never echoes a secret given where a number, a URL or a choice belongs', () => {
    const seed = `0x${'cd'.repeat(32)}`;
    const mnemonic = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
    for (const secret of [seed, mnemonic]) {
      for (const f of [() => integerOption('--netuid', secret, 0, 9), () => chainOption(secret), () => genesisOption(secret), () => choiceOption('--mode', secret, ['a'])]) {
        const m = msg(f);
        expect(m).not.toContain('cdcdcdcd');
        expect(m).not.toContain('drive obey');
      }
    }
  });
});
