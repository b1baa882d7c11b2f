// Timelock benchmark (issue 21): CPU time of the chain's `tle` scheme in plain JS (@noble/curves), per operation.
//
// Method. Quicknet's real public key, round 1000, and a 1,069-byte SCALE payload (256 uid/value pairs and a hotkey,
// a full validator's weight row on a 256-uid subnet). tinybench times encrypt (hash-to-G1, two G2 multiplications,
// one pairing, AES-GCM), decrypt with the real round-1000 signature (one pairing, one G2 multiplication), and the
// same encrypt through TimelockWorker (the off-main-thread path a service uses: the figure adds the message passing;
// the main thread's event loop stays free meanwhile). Warm-up first; no other work in this process.
import { Bench } from 'tinybench';
import { renderTable } from '../../src/cli/index.js';
import { decrypt, encodeWeightsPayload, encrypt, QUICKNET_PUBLIC_KEY_HEX, TimelockWorker } from '../../src/timelock/index.js';
import { fmt, machine, medianMs, task, taskStats, writeResult } from '../report.js';

const PK = Uint8Array.from(Buffer.from(QUICKNET_PUBLIC_KEY_HEX, 'hex'));
const SIG = Uint8Array.from(Buffer.from('b44679b9a59af2ec876b1a6b1ad52ea9b1615fc3982b19576350f93447cb1125e342b73a8dd2bacbe47e4b6b63ed5e39', 'hex'));
const N = 256;

/** Runs the timelock suite; prints a table, writes bench/results/timelock.json. */
export async function benchTimelock(): Promise<void> {
  const payload = encodeWeightsPayload({
    hotkey: new Uint8Array(32).fill(7),
    uids: Array.from({ length: N }, (_, i) => i),
    values: Array.from({ length: N }, (_, i) => (i * 257) & 0xffff),
    versionKey: 1n,
  });
  const ct = encrypt(payload, 1000n, PK);
  const worker = new TimelockWorker();
  await worker.encrypt(payload, 1000n, PK); // starts the thread
  const bench = new Bench({ iterations: 20, warmupIterations: 3, time: 0 });
  bench
    .add('encrypt', () => void encrypt(payload, 1000n, PK))
    .add('decrypt', () => void decrypt(ct, SIG))
    .add('encrypt (worker)', async () => void (await worker.encrypt(payload, 1000n, PK)));
  await bench.run();
  await worker.close();
  const names = ['encrypt', 'decrypt', 'encrypt (worker)'];
  process.stdout.write(`\ntimelock (payload ${payload.length} bytes, ciphertext ${ct.length} bytes)\n`);
  process.stdout.write(`${renderTable([{ header: 'operation', align: 'left' }, { header: 'median ms' }], names.map((n) => [n, fmt(medianMs(task(bench, n)))]))}\n`);
  const file = writeResult('timelock', { machine: machine(), payloadBytes: payload.length, ciphertextBytes: ct.length, results: Object.fromEntries(names.map((n) => [n, taskStats(task(bench, n))])) });
  process.stdout.write(`written ${file}\n`);
}
