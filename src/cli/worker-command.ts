import { Command } from 'commander';
import { POOL_DEFAULTS, QueueWorker } from '../tune/index.js';
import { integerOption } from './options.js';
import { stopSignal } from './stop-signal.js';

/** `yumaval worker`: runs the trials of distributed sweeps (`yumaval tune --queue`) from a BullMQ queue on Redis. */
export function workerCommand(): Command {
  return new Command('worker')
    .description('run trials of distributed sweeps (yumaval tune --queue) taken from a BullMQ queue on Redis, until stopped')
    .requiredOption('--queue <url>', 'redis://HOST:PORT, the Redis the coordinator uses')
    .option('--workers <n>', `worker threads, and jobs run at once (default ${POOL_DEFAULTS.threads}, one per core)`)
    .option('--lock-ms <ms>', 'BullMQ job lock: a dead worker\'s job is retried elsewhere this long after it stopped', '30000')
    .addHelpText('after', '\nLogs go to stderr, one line per job. SIGINT or SIGTERM finishes the jobs in hand and exits.')
    .action(async (opts: { queue: string; workers?: string; lockMs: string }) => {
      const threads = opts.workers === undefined ? Math.max(1, POOL_DEFAULTS.threads) : integerOption('--workers', opts.workers, 1, 1024);
      const log = (line: string): void => void process.stderr.write(`worker: ${line}\n`);
      const stopped = stopSignal();
      const worker = await QueueWorker.create(opts.queue, { threads, lockMs: integerOption('--lock-ms', opts.lockMs, 500, 3_600_000), log });
      await worker.ready();
      log(`ready on ${opts.queue} with ${threads} thread(s)`);
      const signal = await stopped;
      log(`${signal}: finishing the jobs in hand`);
      await worker.close();
    });
}
