// Devnet benchmarks (issue 6, "done means" 4): signed set_weights extrinsics accepted per second on loopback, and the
// latency of storage reads over the WebSocket. Fixed seeds and fixed dev accounts, so runs compare across commits.
//
// Method. The devnet runs in this process (createDevnet + startRpcServer on 127.0.0.1), producing a block every
// BLOCK_TIME_MS while submissions arrive, as a live node does. The subnet has ACCOUNTS validators (//Bench0 …, permit,
// stake, weightsSetRateLimit 0) and tempo 360, so no epoch runs in the blocks the suite spans (the table says how many
// blocks that was). Before any timing, @polkadot/api (connected once, then disconnected) signs every set_weights
// extrinsic: ACCOUNTS uids each, explicit nonces, a mortal era born at the head. A round sends PER_ACCOUNT extrinsics
// per account over CONNECTIONS raw `ws` connections (each account on one connection, in nonce order), WINDOW
// author_submitExtrinsic requests in flight per connection, and times the first send to the last reply: accepted per
// second = replies carrying a hash / that time. Then the blocks drain the pool and every extrinsic is checked to be
// included with ExtrinsicSuccess. One warm-up round, then ROUNDS timed rounds; the table gives their median.
// Storage reads: state_getStorage of Weights[1][uid] (ACCOUNTS pairs) and Keys[1][uid] over one WebSocket, sequential
// (one request in flight), timed by tinybench; p50 and p99 of the round trip, blocks still being produced.
// The WebSocket clients run on the node's own thread (one event loop), so their work is counted against the node's.
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { DEV_PHRASE } from '@polkadot/keyring';
import type { IKeyringPair } from '@polkadot/types/types';
import { u8aConcat } from '@polkadot/util';
import { encodeAddress, keyExtractSuri, keyFromPath, mnemonicToMiniSecret, sr25519PairFromSeed } from '@polkadot/util-crypto';
import { sr25519Sign } from '@polkadot/wasm-crypto';
import { Bench } from 'tinybench';
import WebSocket from 'ws';
import { renderTable } from '../../src/cli/index.js';
import { createDevnet } from '../../src/devnet/node.js';
import type { Produced } from '../../src/devnet/chain.js';
import { startRpcServer } from '../../src/devnet/rpc/index.js';
import { Prng } from '../../src/random/index.js';
import { fmt, machine, task, taskStats, writeResult } from '../report.js';

const NETUID = 1;
/** Validators on the subnet, each signing; every set_weights names all of their uids. */
const ACCOUNTS = 64;
/** Extrinsics per account in one round (nonces), so ACCOUNTS × PER_ACCOUNT per round. */
const PER_ACCOUNT = 16;
const WARMUP_ROUNDS = 1;
const ROUNDS = 5;
const CONNECTIONS = 4;
/** author_submitExtrinsic requests in flight per connection. */
const WINDOW = 64;
const BLOCK_TIME_MS = 250;
const TEMPO = 360;
/** The mortal era's period (blocks): far longer than the suite. */
const ERA_PERIOD = 1024;
const TARGET_PER_SECOND = 300;
/** How long the pool may take to drain after a round. */
const DRAIN_TIMEOUT_MS = 30_000;

type Json = { id?: number; result?: unknown; error?: { code: number; message: string; data?: unknown } };

/** A raw JSON-RPC client over one WebSocket: requests by id, replies matched by id (any order). */
class RawClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Json) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as Json;
      const done = reply.id === undefined ? undefined : this.waiting.get(reply.id);
      if (done === undefined || reply.id === undefined) return;
      this.waiting.delete(reply.id);
      done(reply);
    });
    // A connection lost mid-round leaves its requests unanswered: the round then fails by the suite's own time, loudly.
    ws.on('error', (err) => process.stderr.write(`bench devnet: WebSocket error: ${err.message}\n`));
  }

  static open(url: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.once('open', () => resolve(new RawClient(ws)));
      ws.once('error', reject);
    });
  }

  /** A request frame with a fresh id (built ahead of timing). */
  frame(method: string, params: unknown[]): { id: number; text: string } {
    const id = this.nextId++;
    return { id, text: JSON.stringify({ jsonrpc: '2.0', id, method, params }) };
  }

  send(f: { id: number; text: string }): Promise<Json> {
    return new Promise((resolve) => {
      this.waiting.set(f.id, resolve);
      this.ws.send(f.text);
    });
  }

  async call(method: string, params: unknown[]): Promise<unknown> {
    const reply = await this.send(this.frame(method, params));
    if (reply.error !== undefined) throw new Error(`${method}: ${reply.error.code} ${reply.error.message} ${String(reply.error.data ?? '')}`);
    return reply.result;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/**
 * The sr25519 key of a dev URI (`//Bench0`), derived as @polkadot/keyring derives it, signing with the wasm signer:
 * @polkadot/util-crypto's JavaScript sr25519 takes milliseconds a signature, which would make signing the slow part.
 */
function devSigner(uri: string): IKeyringPair {
  const { path, phrase } = keyExtractSuri(`${DEV_PHRASE}${uri}`);
  const { publicKey, secretKey } = keyFromPath(sr25519PairFromSeed(mnemonicToMiniSecret(phrase)), path, 'sr25519');
  return {
    address: encodeAddress(publicKey, 42),
    addressRaw: publicKey,
    publicKey,
    sign: (data, options) => u8aConcat(options?.withType === true ? [1] : [], sr25519Sign(publicKey, secretKey, data)),
  };
}

/** The subnet: ACCOUNTS validators with permits and stake, no rate limit, no epoch within the suite. */
function subnetConfig(): unknown {
  return {
    subnets: [{
      netuid: NETUID, tempo: TEMPO, weightsSetRateLimit: 0, minAllowedWeights: 1, maxAllowedValidators: ACCOUNTS,
      neurons: Array.from({ length: ACCOUNTS }, (_, i) => ({ hotkey: `//Bench${i}`, stake: String((1000 + i) * 1e9), permit: true })),
    }],
  };
}

interface RoundResult {
  submitted: number;
  accepted: number;
  refused: number;
  firstRefusal: string | null;
  seconds: number;
  acceptedPerSecond: number;
  /** Seconds of the timed window the node spent building blocks (the wall clock the submissions did not get). */
  blockSeconds: number;
  /** Accepted per second of the window outside block building: the admission path alone. */
  admissionPerSecond: number;
  included: number;
  failed: number;
  drainMs: number;
}

/** Sends one round's frames, WINDOW in flight per connection, and counts the replies carrying a hash. */
async function sendRound(clients: RawClient[], frames: Array<Array<{ id: number; text: string }>>): Promise<Omit<RoundResult, 'included' | 'failed' | 'drainMs' | 'blockSeconds' | 'admissionPerSecond'>> {
  let accepted = 0, refused = 0;
  let firstRefusal: string | null = null;
  const t0 = performance.now();
  await Promise.all(clients.map(async (client, c) => {
    const queue = frames[c] as Array<{ id: number; text: string }>;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < queue.length) {
        const reply = await client.send(queue[next++] as { id: number; text: string });
        if (typeof reply.result === 'string' && /^0x[0-9a-f]{64}$/.test(reply.result)) accepted++;
        else {
          refused++;
          firstRefusal ??= JSON.stringify(reply.error ?? reply.result);
        }
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
  }));
  const seconds = (performance.now() - t0) / 1000;
  const submitted = frames.reduce((n, f) => n + f.length, 0);
  return { submitted, accepted, refused, firstRefusal, seconds, acceptedPerSecond: accepted / seconds };
}

/** Runs the devnet suite, prints its table and writes bench/results/devnet.json. */
export async function benchDevnet(): Promise<void> {
  process.stderr.write('bench devnet: starting the devnet and signing\n');
  const node = await createDevnet({ config: subnetConfig(), blockTimeMs: BLOCK_TIME_MS, log: (m) => process.stderr.write(`${m}\n`) });
  const server = await startRpcServer(node);
  const clients: RawClient[] = [];
  try {
    node.start();
    const firstBlock = node.chain.head.number;

    // Sign everything before timing.
    const api = await ApiPromise.create({ provider: new WsProvider(server.url), noInitWarn: true, throwOnConnect: true });
    const pairs = Array.from({ length: ACCOUNTS }, (_, i) => devSigner(`//Bench${i}`));
    const setWeights = (api.tx as unknown as Record<string, Record<string, (...x: unknown[]) => SubmittableExtrinsic<'promise'>>>)['subtensorModule']!['setWeights']!;
    const head = await api.rpc.chain.getHeader();
    const era = api.registry.createType('ExtrinsicEra', { current: head.number.toNumber(), period: ERA_PERIOD });
    const signStart = performance.now();
    const rng = new Prng(6);
    const uids = Array.from({ length: ACCOUNTS }, (_, i) => i);
    const totalRounds = WARMUP_ROUNDS + ROUNDS;
    // signed[round][account][k]: the hex of account's extrinsic with nonce round·PER_ACCOUNT + k.
    const signed: string[][][] = [];
    for (let r = 0; r < totalRounds; r++) {
      const round: string[][] = [];
      for (let a = 0; a < ACCOUNTS; a++) {
        const list: string[] = [];
        for (let k = 0; k < PER_ACCOUNT; k++) {
          const values = uids.map(() => 1 + rng.int(65535));
          const xt = await setWeights(NETUID, uids, values, 0).signAsync(pairs[a] as IKeyringPair, { nonce: r * PER_ACCOUNT + k, era, blockHash: head.hash });
          list.push(xt.toHex());
        }
        round.push(list);
      }
      signed.push(round);
    }
    const signMs = performance.now() - signStart;
    const xtBytes = ((signed[0]?.[0]?.[0]?.length ?? 2) - 2) / 2;
    const q = (api.query as unknown as Record<string, Record<string, { key(...a: unknown[]): string }>>)['subtensorModule']!;
    const weightsKeys = uids.map((u) => q['weights']!.key(NETUID, u));
    const keysKeys = uids.map((u) => q['keys']!.key(NETUID, u));
    await api.disconnect();

    for (let c = 0; c < CONNECTIONS; c++) clients.push(await RawClient.open(server.url));

    // Inclusion is counted from the blocks themselves: each of the round's extrinsics, included with success or not.
    let watched = new Set<string>();
    let seen = 0, seenFailed = 0;
    const onBlock = (p: Produced): void => {
      const outcomes = p.outcomes.filter((o) => o.included);
      p.block.extrinsics.forEach((xt, i) => {
        if (!watched.has(xt)) return;
        seen++;
        const o = outcomes[i];
        if (o === undefined || !o.included || !o.success) seenFailed++;
      });
    };
    node.chain.on('block', onBlock);
    // Time spent building blocks, to tell the admission path's share of a round from the blocks'.
    let blockMs = 0;
    const produce = node.chain.produce.bind(node.chain);
    node.chain.produce = (...args: Parameters<typeof produce>) => {
      const t = performance.now();
      try {
        return produce(...args);
      } finally {
        blockMs += performance.now() - t;
      }
    };

    const rounds: RoundResult[] = [];
    for (let r = 0; r < totalRounds; r++) {
      process.stderr.write(`bench devnet: set_weights round ${r + 1}/${totalRounds}${r < WARMUP_ROUNDS ? ' (warm-up)' : ''}\n`);
      const round = signed[r] as string[][];
      // Nonce-major on each connection, so each account's extrinsics arrive in nonce order.
      const frames = clients.map((client, c) => {
        const out: Array<{ id: number; text: string }> = [];
        for (let k = 0; k < PER_ACCOUNT; k++) {
          for (let a = c; a < ACCOUNTS; a += CONNECTIONS) out.push(client.frame('author_submitExtrinsic', [(round[a] as string[])[k]]));
        }
        return out;
      });
      watched = new Set(round.flat());
      seen = 0;
      seenFailed = 0;
      // A full collection first (node --expose-gc, as `npm run bench` runs), so one round's garbage is not the next's cost.
      (globalThis as { gc?: () => void }).gc?.();
      const b0 = blockMs;
      const sent = await sendRound(clients, frames);
      const blockSeconds = (blockMs - b0) / 1000;
      const t = performance.now();
      while ((node.pending().length > 0 || seen < sent.accepted) && performance.now() - t < DRAIN_TIMEOUT_MS) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      rounds.push({ ...sent, blockSeconds, admissionPerSecond: sent.accepted / (sent.seconds - blockSeconds), included: seen, failed: seenFailed, drainMs: performance.now() - t });
    }
    node.chain.off('block', onBlock);
    node.chain.produce = produce;

    // Storage reads, sequential over one connection.
    process.stderr.write('bench devnet: state_getStorage\n');
    const reader = clients[0] as RawClient;
    for (const key of [...weightsKeys, ...keysKeys]) {
      if (await reader.call('state_getStorage', [key]) === null) throw new Error(`bench devnet: storage ${key} is empty`);
    }
    let wi = 0, ki = 0;
    const bench = new Bench({ time: 2000, warmupTime: 300, iterations: 200, warmupIterations: 50 });
    bench.add('Weights', async () => { await reader.call('state_getStorage', [weightsKeys[wi++ % ACCOUNTS]]); });
    bench.add('Keys', async () => { await reader.call('state_getStorage', [keysKeys[ki++ % ACCOUNTS]]); });
    await bench.run();
    const lastBlock = node.chain.head.number;

    const timed = rounds.slice(WARMUP_ROUNDS);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const rates = timed.map((r) => r.acceptedPerSecond);
    const acceptedMedian = median(rates);
    const admissionMedian = median(timed.map((r) => r.admissionPerSecond));
    const blockShare = median(timed.map((r) => r.blockSeconds / r.seconds));
    const sum = (f: (r: RoundResult) => number): number => timed.reduce((n, r) => n + f(r), 0);
    const submitted = sum((r) => r.submitted), refused = sum((r) => r.refused), included = sum((r) => r.included), failed = sum((r) => r.failed);
    const allIn = refused === 0 && included === submitted && failed === 0;
    const met = acceptedMedian >= TARGET_PER_SECOND && allIn;
    const reads = (name: string): { p50: number; p99: number } => {
      const r = task(bench, name)?.result;
      return r !== undefined && 'latency' in r ? { p50: r.latency.p50, p99: r.latency.p99 } : { p50: Number.NaN, p99: Number.NaN };
    };
    const w = reads('Weights'), k = reads('Keys');
    const epochBlock = TEMPO - NETUID - 1;
    const range = (xs: number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}/s`;

    const rows: string[][] = [
      [
        `set_weights accepted, blocks every ${BLOCK_TIME_MS} ms`, `${acceptedMedian.toFixed(0)}/s`, range(rates),
        `${included}/${submitted} included (${failed} failed), ${refused} refused`,
        `≥ ${TARGET_PER_SECOND}/s, all included ${met ? 'met' : 'MISSED'}`,
      ],
      [
        '  of which outside block building', `${admissionMedian.toFixed(0)}/s`, range(timed.map((r) => r.admissionPerSecond)),
        `blocks took ${(blockShare * 100).toFixed(0)}% of the window`, '—',
      ],
      [`state_getStorage Weights[${NETUID}][uid], ${ACCOUNTS} pairs`, `${fmt(w.p50)} ms`, `${fmt(w.p99)} ms`, 'p50 / p99, one request in flight', '—'],
      [`state_getStorage Keys[${NETUID}][uid]`, `${fmt(k.p50)} ms`, `${fmt(k.p99)} ms`, 'p50 / p99, one request in flight', '—'],
    ];
    const table = renderTable(
      [{ header: 'case', align: 'left' }, { header: 'median' }, { header: 'range / p99' }, { header: 'check', align: 'left' }, { header: 'targets', align: 'left' }],
      rows,
    );
    process.stdout.write(
      `\nDevnet on loopback, in-process; the WebSocket clients share the node's thread. ${ACCOUNTS} validators, each set_weights names ` +
      `${ACCOUNTS} uids (${xtBytes} B signed). Pre-signed, then ${ACCOUNTS} × ${PER_ACCOUNT} per round over ${CONNECTIONS} ws, ${WINDOW} ` +
      `author_submitExtrinsic in flight each; accepted = replies carrying a hash, per second from first send to last reply, median of ` +
      `${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up; blocks every ${BLOCK_TIME_MS} ms include them meanwhile, and every one is checked ` +
      `included after the pool drains. Blocks ${firstBlock}–${lastBlock}, no epoch (the first is at ${epochBlock}). Reads: ` +
      `sequential round trips over one ws (tinybench), blocks still coming.\n${table}\n`,
    );
    const file = writeResult('devnet', {
      suite: 'devnet', date: new Date().toISOString(), machine: machine(),
      method: {
        inProcess: true, clientsOnNodeThread: true, blockTimeMs: BLOCK_TIME_MS, tempo: TEMPO, epochsInWindow: lastBlock >= epochBlock,
        blocks: [firstBlock, lastBlock], accounts: ACCOUNTS, uidsPerCall: ACCOUNTS, extrinsicBytes: xtBytes, perAccountPerRound: PER_ACCOUNT,
        connections: CONNECTIONS, inFlightPerConnection: WINDOW, warmupRounds: WARMUP_ROUNDS, rounds: ROUNDS, eraPeriod: ERA_PERIOD,
        signMs, reads: 'sequential state_getStorage over one WebSocket (tinybench)',
      },
      results: {
        setWeights: {
          acceptedPerSecondMedian: acceptedMedian, admissionPerSecondMedian: admissionMedian, blockShareMedian: blockShare,
          targetPerSecond: TARGET_PER_SECOND, met, submitted, included, failed, refused, rounds,
        },
        readWeights: taskStats(task(bench, 'Weights')),
        readKeys: taskStats(task(bench, 'Keys')),
      },
    });
    process.stdout.write(`wrote ${file}\n`);
    if (lastBlock >= epochBlock) process.stderr.write(`bench devnet: the suite reached block ${lastBlock}, past the first epoch at ${epochBlock}\n`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    await node.close();
  }
}
