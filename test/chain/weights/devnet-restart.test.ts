import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection } from '../../../src/chain/index.js';
import { WeightsPipeline } from '../../../src/chain/weights/index.js';
import { Store } from '../../../src/store/index.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
import { tsxArgs } from '../../support/tsx.js';

/*
 * Done means 2: the websocket dropped mid-submit. The devnet (`yumaval devnet --db`, a child process) is killed while
 * the client waits for its extrinsic, then restarted on the same port from its database. The client reconnects by
 * itself and exactly one extrinsic lands for the intent.
 */

const root = new URL('../../../', import.meta.url).pathname;
const config = { subnets: [{ netuid: 1, tempo: 360, weightsSetRateLimit: 0, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] }] };

let dir: string;
let devnet: ChildProcess | null = null;
let proxy: TcpProxy;
let port = 0;

async function startDevnet(p: number): Promise<number> {
  const child = spawn(process.execPath, [...tsxArgs(join(root, 'src/cli.ts')), 'devnet', '--port', String(p), '--block-time', '0', '--config', join(dir, 'cfg.json'), '--db', join(dir, 'devnet.db')], { stdio: ['ignore', 'pipe', 'pipe'] });
  devnet = child;
  child.stderr!.on('data', () => {});
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /devnet listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`devnet exited with ${code}`)));
  });
}

async function killDevnet(): Promise<void> {
  const child = devnet;
  if (child === null || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  await cryptoWaitReady();
  dir = mkdtempSync(join(tmpdir(), 'yumaval-restart-'));
  writeFileSync(join(dir, 'cfg.json'), JSON.stringify(config));
  port = await startDevnet(0);
  proxy = await startTcpProxy(port);
}, 30_000);
afterAll(async () => {
  await killDevnet();
  await proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('devnet killed mid-submit and restarted from its database', () => {
  it('lands exactly one extrinsic for the intent, and the client reconnects by itself', async () => {
    const lines: string[] = [];
    const conn = await ChainConnection.open({ url: proxy.url, callTimeoutMs: 2_000, retryMs: 200, log: (l) => lines.push(l) });
    const store = Store.open(join(dir, 'validator.db'));
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
    const pipeline = new WeightsPipeline(conn, store, alice, { log: (l) => lines.push(l), inclusionTimeoutMs: 2_000, backoffMs: 200, maxBackoffMs: 1_000, maxRetries: 30, pollMs: 20 });
    // Once the intent is marked submitted (its bytes stored, about to be sent), the devnet's answers are held: the
    // submission reaches it, it includes the extrinsic (block-time 0) and persists the block, then it is killed
    // before the client hears anything, and restarted from its database.
    const markSubmitted = store.intents.markSubmitted.bind(store.intents);
    let killed: Promise<void> | null = null;
    store.intents.markSubmitted = (id: number) => {
      const r = markSubmitted(id);
      if (killed === null) {
        proxy.pauseAnswers();
        killed = (async () => {
          await new Promise((res) => setTimeout(res, 300));
          await killDevnet();
          proxy.cut();
          proxy.resume();
          await new Promise((res) => setTimeout(res, 500));
          await startDevnet(port);
        })();
      }
      return r;
    };
    const landed = pipeline.setWeights({ netuid: 1, uids: [0, 1], values: [65535, 777] });
    const r = await landed;
    await killed;
    expect(r.intent.state).toBe('finalized');
    // Count Alice's extrinsics in every block.
    const head = (await conn.api.rpc.chain.getHeader()).number.toNumber();
    let count = 0;
    for (let b = 1; b <= head; b++) {
      const block = await conn.api.rpc.chain.getBlock(await conn.api.rpc.chain.getBlockHash(b));
      count += block.block.extrinsics.filter((x) => x.isSigned && x.signer.toString() === alice.address).length;
    }
    expect(count).toBe(1);
    expect(r.intent.blockNumber).toBeGreaterThan(0);
    // Found by its hash in the blocks after the reconnect: the bytes were sent once.
    expect(r.intent.attempts).toBe(1);
    expect(conn.api.isConnected).toBe(true);
    expect(lines.some((l) => /reconnected/.test(l))).toBe(true);
    store.close();
    await conn.close();
  });

  it('resends the same bytes when the submission never reached the devnet (still exactly one lands)', async () => {
    const conn = await ChainConnection.open({ url: proxy.url, callTimeoutMs: 2_000, retryMs: 200, log: () => {} });
    const store = Store.open(join(dir, 'validator.db'));
    const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
    const pipeline = new WeightsPipeline(conn, store, alice, { log: () => {}, inclusionTimeoutMs: 2_000, backoffMs: 200, maxBackoffMs: 1_000, maxRetries: 30, pollMs: 20 });
    const countAlice = async (): Promise<number> => {
      const head = (await conn.api.rpc.chain.getHeader()).number.toNumber();
      let n = 0;
      for (let b = 1; b <= head; b++) {
        const block = await conn.api.rpc.chain.getBlock(await conn.api.rpc.chain.getBlockHash(b));
        n += block.block.extrinsics.filter((x) => x.isSigned && x.signer.toString() === alice.address).length;
      }
      return n;
    };
    const before = await countAlice();
    const markSubmitted = store.intents.markSubmitted.bind(store.intents);
    let killed: Promise<void> | null = null;
    store.intents.markSubmitted = (id: number) => {
      const r = markSubmitted(id);
      if (killed === null) {
        // Everything is held, the submission included, and then the connection is cut: the devnet never saw it.
        proxy.pause();
        killed = (async () => {
          await killDevnet();
          proxy.cut();
          proxy.resume();
          await new Promise((res) => setTimeout(res, 300));
          await startDevnet(port);
        })();
      }
      return r;
    };
    const r = await pipeline.setWeights({ netuid: 1, uids: [0, 1], values: [65535, 888] });
    await killed;
    expect(r.intent.state).toBe('finalized');
    expect(r.intent.attempts).toBe(2);
    expect(await countAlice()).toBe(before + 1);
    store.close();
    await conn.close();
  });
});
