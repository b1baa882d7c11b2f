// A farm of reference axons answering the built-in task (NextToken) for the validator benchmark, in its own process so
// that their work (sr25519 verify, SHA3 body hashes, JSON, the profiles' answers) shares neither the validator's event
// loop nor its memory figures. Usage: node --import <tsx> bench/service/task-axon-farm.ts <count>
// Axon i is keyed by the dev URI //Farm<i> (one hotkey per uid, as devnet registers them) and answers as profile
// PROFILES[i % 4]. Prints one JSON line {"ports":[...],"uris":[...]} when all listen; a line "cpu" on stdin prints this
// process's CPU time (µs) and RSS (bytes) as one JSON line; stdin closing stops it.
import { createInterface } from 'node:readline';
import { loadKey } from '../../src/keys/index.js';
import { startAxon } from '../../src/miner/index.js';
import { createNextTokenTask, profileHandler } from '../../src/task/index.js';

const PROFILES = ['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise'];
const count = Number(process.argv[2] ?? '256');
const task = createNextTokenTask();
const handlers = PROFILES.map((p) => profileHandler(p));
const ports: number[] = [];
const uris: string[] = [];
const closers: Array<() => Promise<void>> = [];
for (let i = 0; i < count; i++) {
  const h = handlers[i % handlers.length]!;
  const uri = `//Farm${i}`;
  const key = await loadKey({ uri }, { dev: true });
  const a = await startAxon({ key, port: 0, synapses: [{ spec: task.synapse, handler: (req) => h(req.fields) }], log: () => undefined });
  ports.push(a.port);
  uris.push(uri);
  closers.push(() => a.close());
}
process.stdout.write(`${JSON.stringify({ ports, uris })}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'cpu') process.stdout.write(`${JSON.stringify({ ...process.cpuUsage(), rss: process.memoryUsage.rss() })}\n`);
});
process.stdin.on('close', () => {
  void Promise.all(closers.map((c) => c())).then(() => process.exit(0));
});
