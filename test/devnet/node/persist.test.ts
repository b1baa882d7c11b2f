import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { u8aToHex } from '@polkadot/util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Hex } from '../../../src/devnet/storage-codec.js';
import { devnet, nonceOf, pair, sign, watcher } from './signing.js';
import { tsxArgs } from '../../support/tsx.js';

// --db: every block and every storage value survive a restart, including after kill -9.

const dir = mkdtempSync(join(tmpdir(), 'yumaval-devnet-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const alice = pair('//Alice');

describe('persistence', () => {
  it('resumes where it was: blocks, hashes, storage at every block, nonces; the config is ignored with a warning', async () => {
    const file = join(dir, 'chain.db');
    const tempo = (n: number): [Hex, Hex] => [`0x${'aa'.repeat(16)}${n.toString(16).padStart(2, '0')}` as Hex, `0x0${n}00` as Hex];
    const first = await devnet({ db: file, genesis: (ctx) => ctx.state.set(...tempo(1)) });
    first.newBlock(2);
    const w = watcher();
    first.submit(sign(first, alice, first.runtime.decorated.tx.system!.remark!(u8aToHex(new Uint8Array([1, 2, 3])))), w.watch);
    await w.done;
    first.admin('setStorage', [[tempo(2)]]);
    const blocks = Array.from({ length: first.chain.head.number + 1 }, (_, i) => first.chain.blockAt(i)!);
    await first.close();

    const logs: string[] = [];
    const second = await devnet({ db: file, config: { subnets: [] }, log: (m) => logs.push(m), genesis: () => { throw new Error('not called'); } });
    expect(logs.join('\n')).toMatch(/config given is ignored/);
    expect(second.chain.head.number).toBe(blocks.length - 1);
    for (const b of blocks) expect(second.chain.blockAt(b.number)).toEqual(b);
    expect(second.chain.genesisHash).toBe(blocks[0]!.hash);
    expect(nonceOf(second, alice)).toBe(1);
    expect(second.state.get(tempo(1)[0], 0)).toBe(tempo(1)[1]);
    expect(second.state.get(tempo(2)[0], blocks.length - 2)).toBeNull();
    expect(second.state.get(tempo(2)[0])).toBe(tempo(2)[1]);
    // It goes on from there, and the signatures still check against the same genesis.
    const w2 = watcher();
    second.submit(sign(second, alice, second.runtime.decorated.tx.system!.remark!('0x04')), w2.watch);
    await w2.done;
    expect(second.chain.head.number).toBe(blocks.length);
    await second.close();
  });

  it('keeps every block after kill -9', async () => {
    const file = join(dir, 'killed.db');
    const script = join(dir, 'run.mts');
    const nodeModule = fileURLToPath(new URL('../../../src/devnet/node.ts', import.meta.url));
    writeFileSync(script, `
      import { createDevnet } from ${JSON.stringify(nodeModule)};
      const node = await createDevnet({ blockTimeMs: 0, db: ${JSON.stringify(file)}, modules: [], genesis: () => undefined, log: () => undefined });
      node.newBlock(5);
      process.stdout.write(node.chain.head.hash + '\\n');
      setInterval(() => undefined, 1000);
    `);
    const child = spawn(process.execPath, tsxArgs(script), { stdio: ['ignore', 'pipe', 'inherit'] });
    const head = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`child exited with ${code}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const resumed = await devnet({ db: file });
    expect(resumed.chain.head.number).toBe(5);
    expect(resumed.chain.head.hash).toBe(head);
    await resumed.close();
  });
});
