// Metagraph sync benchmark (issue 7): wall time of syncMetagraph for n = 256 and n = 4096 against a devnet in this
// process, over a loopback WebSocket.
//
// Method. One devnet per size, blocks on demand (no block is produced while timing). The subnet is created by the
// config with n neurons whose hotkeys are SS58 addresses of fixed 32-byte keys (blake2 of `bench-metagraph-<i>`):
// nothing signs here, so no key derivation is needed, and 4096 sr25519 dev URIs would take the start-up seconds. Every
// neuron has stake and an IPv4 axon; the first VALIDATORS have permits. To give the sync a realistic amount of data,
// devnet_setStorage then writes a full weights row (n entries) and a full bonds row for each validator, so the sync
// reads 2·VALIDATORS·n (uid, u16) pairs besides the per-uid items. The client is @polkadot/api through
// ChainConnection, connected once (metadata loaded) before timing; tinybench times whole syncs at the head (each one
// resolves the head, reads every item at that hash, and decodes into the Metagraph), after warm-up. The client and
// the node share this process's event loop, so the node's work (storage reads, SCALE, JSON) counts in the figure.
import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto';
import { Bench } from 'tinybench';
import { ChainConnection, syncMetagraph } from '../../src/chain/index.js';
import type { Metagraph } from '../../src/chain/index.js';
import { renderTable } from '../../src/cli/index.js';
import { createDevnet, startRpcServer } from '../../src/devnet/index.js';
import { Prng } from '../../src/random/index.js';
import { fmt, machine, medianMs, task, taskStats, writeResult } from '../report.js';

const NETUID = 1;
const SIZES = [256, 4096] as const;
/** Validators (permits, full weights and bonds rows). */
const VALIDATORS = 64;
/** Timed syncs per size (at least), after warm-up; tinybench's time budget bounds the larger size. */
const ITERATIONS = 10;
const WARMUP = 2;

/** A fixed SS58 hotkey per index. */
const hotkey = (i: number): string => encodeAddress(blake2AsU8a(`bench-metagraph-${i}`, 256), 42);

function subnetConfig(n: number): unknown {
  const rng = new Prng(7 + n);
  return {
    subnets: [{
      netuid: NETUID, tempo: 360, maxAllowedUids: n, maxAllowedValidators: VALIDATORS,
      neurons: Array.from({ length: n }, (_, i) => ({
        hotkey: hotkey(i),
        stake: String(BigInt(1 + rng.int(1_000_000)) * 1_000_000n),
        permit: i < VALIDATORS,
        axon: { ip: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 8000 + (i % 1000) },
      })),
    }],
  };
}

interface SizeResult {
  n: number;
  validators: number;
  pairs: number;
  medianMs: number;
  stats: Record<string, number> | { error: string };
  firstSyncMs: number;
}

async function benchSize(n: number): Promise<SizeResult> {
  const t0 = performance.now();
  const node = await createDevnet({ config: subnetConfig(n), blockTimeMs: 0, log: (m) => process.stderr.write(`${m}\n`) });
  const server = await startRpcServer(node);
  let closing = false; // the connection logs its own close as a reconnect
  const conn = await ChainConnection.open({ url: server.url, log: (m) => { if (!closing) process.stderr.write(`${m}\n`); } });
  try {
    // Full weights and bonds rows for the validators, written as raw storage.
    const rng = new Prng(11 + n);
    const q = (conn.api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>)['subtensorModule']!;
    const writes: Array<[string, string]> = [];
    for (let v = 0; v < VALIDATORS; v++) {
      const row = Array.from({ length: n }, (_, j) => [j, rng.int(65536)]);
      const encoded = conn.api.registry.createType('Vec<(u16,u16)>', row).toHex();
      writes.push([q['weights']!.key(NETUID, v), encoded], [q['bonds']!.key(NETUID, v), encoded]);
    }
    node.admin('setStorage', [writes]);
    node.admin('newBlock', [1]);
    process.stderr.write(`bench metagraph: n=${n} devnet ready in ${fmt(performance.now() - t0)} ms\n`);

    const t1 = performance.now();
    const first: Metagraph = await syncMetagraph(conn, NETUID);
    const firstSyncMs = performance.now() - t1;
    if (first.n !== n || first.weights[VALIDATORS - 1]?.length !== n || first.axons[n - 1] === null) throw new Error(`bench metagraph: the sync of n=${n} is incomplete`);

    const bench = new Bench({ iterations: ITERATIONS, warmupIterations: WARMUP, time: 0, warmupTime: 0 });
    const name = `sync n=${n}`;
    bench.add(name, async () => { await syncMetagraph(conn, NETUID); });
    await bench.run();
    const t = task(bench, name);
    return { n, validators: VALIDATORS, pairs: 2 * VALIDATORS * n, medianMs: medianMs(t), stats: taskStats(t), firstSyncMs };
  } finally {
    closing = true;
    await conn.close();
    await server.close();
    await node.close();
  }
}

/** Runs the metagraph suite, prints its table and writes bench/results/metagraph.json. */
export async function benchMetagraph(): Promise<void> {
  const results: SizeResult[] = [];
  for (const n of SIZES) results.push(await benchSize(n));
  const table = renderTable(
    [{ header: 'n' }, { header: 'validators' }, { header: 'weight+bond pairs' }, { header: 'first sync ms' }, { header: 'median ms' }, { header: 'p99 ms' }],
    results.map((r) => [r.n, r.validators, r.pairs, fmt(r.firstSyncMs), fmt(r.medianMs), fmt('p99Ms' in r.stats ? (r.stats.p99Ms ?? NaN) : NaN)]),
  );
  process.stdout.write(`\nmetagraph sync (syncMetagraph over a loopback WebSocket, devnet in-process)\n${table}\n`);
  const file = writeResult('metagraph', { suite: 'metagraph', date: new Date().toISOString(), machine: machine(), validators: VALIDATORS, results });
  process.stdout.write(`results: ${file}\n`);
}
