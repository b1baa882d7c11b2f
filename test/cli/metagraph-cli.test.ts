import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainConnection } from '../../src/chain/index.js';
import { createDevnet, epochInputAt, isEpochBlock, startRpcServer } from '../../src/devnet/index.js';
import type { RpcServer } from '../../src/devnet/index.js';
import { runEpoch } from '../../src/yuma/index.js';
import type { EpochOutput } from '../../src/yuma/index.js';

/*
 * `yumaval metagraph` and `yumaval hyperparams`, run as outside checks run them (`node <bin.yumaval>`, built by
 * `npm run build`), against a devnet in this process. The children run asynchronously: a blocking spawnSync would
 * stop the devnet's event loop and with it the answers the child waits for.
 */

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { yumaval: string } };
const bin = join(root, pkg.bin.yumaval);

interface Run { code: number | null; out: string; err: string }

function cli(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(input ?? '');
  });
}

/** Our own error line on stderr (@polkadot/api may add its own timestamped notices). */
const errorLines = (r: Run): string[] => r.err.split('\n').filter((l) => l.startsWith('yumaval:'));

const SN = 1;
const TEMPO = 4;
const config = {
  subnets: [{
    netuid: SN, tempo: TEMPO, weightsSetRateLimit: 0, minAllowedWeights: 1, maxAllowedValidators: 2, kappa: 30000, bondsPenalty: 40000, weightsVersionKey: 3,
    neurons: [
      { hotkey: '//Alice', stake: '1000000000000', permit: true, axon: { ip: '10.9.8.7', port: 8091 } },
      { hotkey: '//Bob', coldkey: '//Eve', stake: '400000000000', permit: true, axon: { ip: 'fe80::1:2', port: 8092 } },
      { hotkey: '//Charlie', stake: 5 },
      { hotkey: '//Dave', stake: 0 },
    ],
  }],
};

type Node = Awaited<ReturnType<typeof createDevnet>>;
let node: Node;
let server: RpcServer;
let conn: ChainConnection;
let alice: KeyringPair, bob: KeyringPair;

const head = (): number => node.chain.head.number;

function send(signer: KeyringPair, uids: number[], values: number[]): Promise<void> {
  const tx = (conn.api.tx as unknown as Record<string, Record<string, (...a: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']!['setWeights']!(SN, uids, values, 3);
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, (r) => {
      if (!r.status.isFinalized) return;
      if (r.dispatchError !== undefined) reject(new Error(r.dispatchError.toString()));
      else resolve();
    }).catch(reject);
  });
}

beforeAll(async () => {
  node = await createDevnet({ config, blockTimeMs: 0, log: () => {} });
  server = await startRpcServer(node);
  conn = await ChainConnection.open({ url: server.url, log: () => {} });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
}, 30_000);

afterAll(async () => {
  await conn?.close();
  await server?.close();
  await node?.close();
});

describe('yumaval metagraph', () => {
  it('prints a table by default: uid, shortened hotkey, stake in TAO, permit, incentive, dividends, last update', async () => {
    const r = await cli(['metagraph', '--chain', server.url, '--netuid', String(SN)]);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^subnet 1 at block ${head()} \\(0x[0-9a-f]{64}\\): 4 neurons, tempo 4$`));
    expect(lines[1]).toMatch(/uid\s+hotkey\s+stake \(TAO\)\s+permit\s+incentive\s+dividends\s+last update/);
    expect(lines[3]).toMatch(new RegExp(`^\\s*0\\s+${alice.address.slice(0, 6)}…${alice.address.slice(-6)}\\s+1000\\.0000\\s+yes\\s+0\\.0000\\s+0\\.0000\\s+0$`));
    expect(lines).toHaveLength(7);
  }, 30_000);

  it('--json prints the Metagraph alone on stdout, rao as decimal strings', async () => {
    const r = await cli(['metagraph', '--chain', server.url, '--netuid', String(SN), '--json']);
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(r.out) as Record<string, unknown>;
    expect(m['n']).toBe(4);
    expect(m['stake']).toEqual(['1000000000000', '400000000000', '5', '0']);
    expect((m['coldkeys'] as string[])[1]).toBe(new Keyring({ type: 'sr25519' }).addFromUri('//Eve').address);
    expect((m['axons'] as unknown[]).slice(0, 2)).toEqual([
      { ip: '10.9.8.7', ipType: 4, port: 8091, version: 0, protocol: 4, block: 0 },
      { ip: 'fe80::1:2', ipType: 6, port: 8092, version: 0, protocol: 4, block: 0 },
    ]);
    expect((m['hyperparams'] as Record<string, unknown>)['weightsVersionKey']).toBe('3');
  }, 30_000);

  it('--epoch-input at the block before an epoch, piped into `yumaval epoch`, gives what the devnet stored at the epoch block', async () => {
    await send(alice, [0, 2, 3], [100, 300, 600]);
    await send(bob, [0, 1, 2], [5, 5, 90]);
    let epoch = head() + 1;
    while (!isEpochBlock(SN, TEMPO, epoch)) epoch++;
    node.admin('newBlock', [epoch - head()]);

    const exported = await cli(['metagraph', '--chain', server.url, '--netuid', String(SN), '--at', String(epoch - 1), '--epoch-input']);
    expect(exported.code, exported.err).toBe(0);
    const input = JSON.parse(exported.out) as { block: number };
    expect(input.block).toBe(epoch);
    const replay = await cli(['epoch', '--input', '-'], exported.out);
    expect(replay.code, replay.err).toBe(0);
    const out = JSON.parse(replay.out) as EpochOutput;

    // What the devnet's epoch stored in that block, read back through the CLI by block hash.
    const hash = (await conn.api.rpc.chain.getBlockHash(epoch)).toHex();
    const after = await cli(['metagraph', '--chain', server.url, '--netuid', String(SN), '--at', hash, '--json']);
    expect(after.code, after.err).toBe(0);
    const m = JSON.parse(after.out) as Record<string, unknown>;
    for (const key of ['active', 'validatorPermit', 'consensus', 'incentive', 'dividends', 'validatorTrust', 'emission'] as const) {
      expect(m[key], key).toEqual(out[key]);
    }
    out.validatorPermit.forEach((p, uid) => { if (p) expect((m['bonds'] as unknown[])[uid]).toEqual(out.bonds[uid]); });
    expect((m['incentive'] as number[]).some((x) => x > 0)).toBe(true);
    // And the engine on the devnet's own input agrees (the configuration-only fields are the contract defaults here).
    const own = runEpoch(epochInputAt(node.state, epoch, SN), { mode: 'exact' }) as EpochOutput;
    expect(out.incentive).toEqual(own.incentive);
    expect(out.dividends).toEqual(own.dividends);
  }, 60_000);

  it('refuses bad options with exit 2 and one line, before connecting', async () => {
    for (const [args, pattern] of [
      [['--chain', 'http://127.0.0.1:1', '--netuid', '1'], /option --chain/],
      [['--chain', server.url, '--netuid', 'one'], /option --netuid/],
      [['--chain', server.url, '--netuid', '70000'], /option --netuid/],
      [['--chain', server.url, '--netuid', '1', '--at', 'yesterday'], /option --at/],
      [['--chain', server.url, '--netuid', '1', '--json', '--epoch-input'], /option --json: cannot be combined with --epoch-input/],
    ] as const) {
      const r = await cli(['metagraph', ...args]);
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(pattern);
    }
    const missing = await cli(['metagraph', '--netuid', '1']);
    expect(missing.code).toBe(2);
  }, 60_000);

  it('exits 1 with a clear message for a missing subnet, a block past the head, and a chain it cannot reach', async () => {
    const noSubnet = await cli(['metagraph', '--chain', server.url, '--netuid', '9']);
    expect(noSubnet.code).toBe(1);
    expect(noSubnet.out).toBe('');
    expect(errorLines(noSubnet)).toEqual([expect.stringMatching(/^yumaval: subnet 9 does not exist at block \d+/)]);
    const future = await cli(['metagraph', '--chain', server.url, '--netuid', '1', '--at', String(head() + 1000)]);
    expect(future.code).toBe(1);
    expect(errorLines(future)).toEqual([expect.stringMatching(/is not known to the chain: it is past the head/)]);
    const down = await cli(['metagraph', '--chain', 'ws://127.0.0.1:1', '--netuid', '1']);
    expect(down.code).toBe(1);
    expect(down.out).toBe('');
    expect(errorLines(down)).toEqual([expect.stringMatching(/^yumaval: cannot connect to ws:\/\/127\.0\.0\.1:1/)]);
  }, 60_000);

  it('has --help', async () => {
    const r = await cli(['metagraph', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/--epoch-input/);
  });
});

describe('yumaval hyperparams', () => {
  it('--json equals the config (u64 values as strings); the table says which values are defaults', async () => {
    const r = await cli(['hyperparams', '--chain', server.url, '--netuid', String(SN), '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      netuid: 1, tempo: 4, kappa: 30000, bondsPenalty: 40000, maxAllowedValidators: 2, weightsSetRateLimit: '0', weightsVersionKey: '3',
      minAllowedWeights: 1, commitRevealEnabled: false, defaulted: ['yuma3'],
    });
    const table = await cli(['hyperparams', '--chain', server.url, '--netuid', String(SN)]);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/yuma3\s+false\s+default \(not in this runtime\)/);
    expect(table.out).toMatch(/kappa\s+30000\s+storage/);
  }, 30_000);

  it('refuses a subnet that does not exist (exit 1) and bad options (exit 2)', async () => {
    const r = await cli(['hyperparams', '--chain', server.url, '--netuid', '12']);
    expect(r.code).toBe(1);
    expect(errorLines(r)).toEqual([expect.stringMatching(/subnet 12 does not exist/)]);
    const bad = await cli(['hyperparams', '--chain', 'localhost', '--netuid', '1']);
    expect(bad.code).toBe(2);
  }, 30_000);
});
