import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KEEP_BLOCKS, MIN_KEEP_BLOCKS, parseDevnetOptions, runDevnet } from '../../src/cli/devnet-command.js';
import * as devnet from '../../src/devnet/index.js';
import type { DevnetIo } from '../../src/cli/devnet-command.js';
import { RawClient, codec } from '../devnet/rpc/helpers.js';
import { tsxArgs } from '../support/tsx.js';

// `yumaval devnet` (contracts/devnet.md): the start-up line, the dev accounts, on-demand blocks, --db, and stopping.

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'yumaval-devnet-cli-'));
const configFile = join(dir, 'subnet.json');
writeFileSync(configFile, JSON.stringify({
  subnets: [{
    netuid: 1, tempo: 10,
    neurons: [
      { hotkey: '//Alice', coldkey: '//Alice//stash', stake: '1000000000000', permit: true, axon: { ip: '127.0.0.1', port: 8091 } },
      { hotkey: '//Bob', stake: 0 },
    ],
  }],
}));

/** An in-process run with its output collected and a stop button. */
function testIo(): DevnetIo & { out: string[]; err: string[]; stop(): void; listening: Promise<string> } {
  let stop!: () => void;
  let onLine!: (url: string) => void;
  const out: string[] = [];
  const err: string[] = [];
  const listening = new Promise<string>((resolve) => { onLine = resolve; });
  return {
    out,
    err,
    listening,
    stopped: new Promise<void>((resolve) => { stop = resolve; }),
    stop: () => stop(),
    stdout: (t) => {
      out.push(t);
      const m = /^devnet listening on (ws:\/\/127\.0\.0\.1:\d+)\n$/.exec(t);
      if (m !== null && out.length === 1) onLine(m[1]!);
    },
    stderr: (t) => err.push(t),
  };
}

describe('yumaval devnet', () => {
  it('prints the start-up line first, then the dev accounts; runs until SIGINT and exits 0', async () => {
    const child = spawn(process.execPath, [...tsxArgs(join(root, 'src/cli.ts')), 'devnet', '--port', '0', '--block-time', '0', '--config', configFile], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const first = stdout.split('\n')[0]!;
        if (stdout.includes('\n')) {
          const m = /^devnet listening on (ws:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
          if (m === null) reject(new Error(`unexpected first line: ${first}`));
          else resolve(m[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const c = await RawClient.connect(url);
    expect(await c.call('state_getStorage', [codec.key('subtensorModule', 'tempo', 1)])).toBe(codec.encode('subtensorModule', 'tempo', 10));
    expect(await c.call('devnet_newBlock', [2])).toBe(2);
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await closed).toBe(1001);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[1]).toBe('dev accounts (from the config):');
    expect(lines.slice(2)).toEqual([
      '  //Alice         5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
      '  //Alice//stash  5GNJqTPyNqANBkUVMN1LPPrxXnFouWXoe2wNSmmEoLctxiZY',
      '  //Bob           5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
    ]);
    expect(stderr).toMatch(/stopped at #2/);
  });

  it('keeps the chain in --db: a restart resumes it, and a config given with it is ignored with a warning', async () => {
    const db = join(dir, 'chain.sqlite');
    const first = testIo();
    const run1 = runDevnet(parseDevnetOptions({ port: '0', blockTime: '0', config: configFile, db }), first);
    const c1 = await RawClient.connect(await first.listening);
    await c1.call('devnet_newBlock', [3]);
    const head = await c1.call('chain_getHeader');
    await c1.close();
    first.stop();
    await run1;

    const second = testIo();
    const run2 = runDevnet(parseDevnetOptions({ port: '0', blockTime: '0', config: configFile, db }), second);
    const c2 = await RawClient.connect(await second.listening);
    expect(await c2.call('chain_getHeader')).toEqual(head);
    expect(await c2.call('state_getStorage', [codec.key('subtensorModule', 'tempo', 1)])).toBe(codec.encode('subtensorModule', 'tempo', 10));
    await c2.close();
    second.stop();
    await run2;
    expect(second.err.join('')).toMatch(/config given is ignored/);
    // Resumed without a config, it lists the standard dev accounts.
    const third = testIo();
    const run3 = runDevnet(parseDevnetOptions({ port: '0', blockTime: '0', db }), third);
    await third.listening;
    third.stop();
    await run3;
    expect(third.out.join('')).toContain('  //Alice    5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY');
    expect(third.err.join('')).not.toMatch(/ignored/);
  });

  it("parses with the devnet's keep-blocks bounds, copied so that parsing loads no devnet code", () => {
    expect(DEFAULT_KEEP_BLOCKS).toBe(devnet.DEFAULT_KEEP_BLOCKS);
    expect(MIN_KEEP_BLOCKS).toBe(devnet.MIN_KEEP_BLOCKS);
    expect(devnet.DEVNET_DEFAULTS.keepBlocks).toBe(DEFAULT_KEEP_BLOCKS);
  });

  it('refuses bad options and a taken port, naming the option', async () => {
    expect(() => parseDevnetOptions({ port: '70000' })).toThrow(/option --port: expected an integer from 0 to 65535, got "70000"/);
    expect(() => parseDevnetOptions({ blockTime: '-5' })).toThrow(/option --block-time/);
    expect(parseDevnetOptions({})).toEqual({ port: 9944, blockTimeMs: 12000, config: null, db: null, keepBlocks: null, rpc: {}, spec: 233 });
    expect(parseDevnetOptions({ spec: '343' }).spec).toBe(343);
    expect(() => parseDevnetOptions({ spec: '300' })).toThrow(/option --spec: expected one of 233, 343, 424, got "300"/);
    // The limits: sizes in MiB, lists comma-separated, each checked against the others and named by its flag.
    const o = parseDevnetOptions({
      keepBlocks: 'all', rpcMaxConnections: '10', rpcMaxRequestSize: '2', rpcMaxResponseSize: '4', rpcMaxBatchRequestLen: '50',
      rpcMaxBuffered: '8', rpcMaxBufferedTotal: '16', rpcRequestTimeout: '2500', rpcAllowOrigin: 'http://a.local:3000, http://b.local', rpcAllowHost: 'dev.lan',
    });
    expect(o.keepBlocks).toBe('all');
    expect(o.rpc).toEqual({
      maxConnections: 10, maxFrameBytes: 2 * 2 ** 20, maxReplyBytes: 4 * 2 ** 20, maxBatchRequests: 50, maxBufferedBytes: 8 * 2 ** 20,
      maxTotalBufferedBytes: 16 * 2 ** 20, requestTimeoutMs: 2500, allowedOrigins: ['http://a.local:3000', 'http://b.local'], allowedHosts: ['dev.lan'],
    });
    expect(parseDevnetOptions({ keepBlocks: '100' }).keepBlocks).toBe(100);
    expect(() => parseDevnetOptions({ keepBlocks: '15' })).toThrow(/option --keep-blocks: expected "all" or an integer of at least 16, got "15"/);
    expect(() => parseDevnetOptions({ rpcMaxBatchRequestLen: '0' })).toThrow(/option --rpc-max-batch-request-len/);
    // Limits that do not fit one another are refused by the devnet's own resolver, when the command runs (parsing
    // loads no devnet code), before anything starts.
    expect(parseDevnetOptions({ rpcMaxBufferedTotal: '16' }).rpc).toEqual({ maxTotalBufferedBytes: 16 * 2 ** 20 });
    await expect(runDevnet(parseDevnetOptions({ port: '0', rpcMaxBufferedTotal: '16' }), testIo())).rejects.toThrow(/option --rpc-max-buffered-total: must be at least --rpc-max-buffered \(33554432\), got 16777216/);
    expect(() => parseDevnetOptions({ rpcAllowOrigin: ',' })).toThrow(/option --rpc-allow-origin/);
    const a = testIo();
    const runA = runDevnet(parseDevnetOptions({ port: '0', blockTime: '0' }), a);
    const port = new URL(await a.listening).port;
    await expect(runDevnet(parseDevnetOptions({ port, blockTime: '0' }), testIo())).rejects.toThrow(`option --port: ${port} is already in use on 127.0.0.1`);
    await expect(runDevnet(parseDevnetOptions({ port: '0', config: join(dir, 'missing.json') }), testIo())).rejects.toThrow(/missing\.json: no such file/);
    writeFileSync(join(dir, 'bad.json'), '{"subnets":[{"tempo":3}]}');
    await expect(runDevnet(parseDevnetOptions({ port: '0', config: join(dir, 'bad.json') }), testIo())).rejects.toThrow(/bad\.json: subnets\[0\]\.netuid: is required/);
    a.stop();
    await runA;
  });
});
