import { Command } from 'commander';
import type { KeySource } from '../keys/index.js';
import type { ListenAddress } from '../service/index.js';
import { ALLOW_PRIVATE_HELP, choiceOption, chainOption, DB_DEFAULT, dbOption, flagOption, KEY_ENV_HELP, netuidOption, optionalInteger, parseKeyOptions, pathOption } from './options.js';
import { readJsonInput } from './read-input.js';
import { stopSignal } from './stop-signal.js';

/*
 * `yumaval validator`: the validator service (src/service) for one hotkey on one subnet, until SIGINT/SIGTERM, or
 * until --epochs weight submissions have landed. Logs are pino JSON lines on stderr (--log-format pretty: human
 * lines); stdout stays empty. Exit codes: 0 a clean stop, 2 bad input or config (one line naming the key), 3 the
 * watchdog gave up (a supervisor should restart the service), 1 anything else. The service module (and the chain
 * client with it) is imported only when the command runs.
 */

/** The command's options, checked. */
export interface ValidatorCliOptions {
  chain: string;
  netuid: number;
  key: KeySource;
  dev: boolean;
  db: string;
  /** The config file, or null for the defaults. */
  config: string | null;
  metrics: ListenAddress | null;
  metricsAllowRemote: boolean;
  allowPrivate: boolean;
  epochs: number | null;
  logFormat: 'json' | 'pretty';
}

/** The defaults: the store of `weights set`, JSON logs. */
export const VALIDATOR_CLI_DEFAULTS = Object.freeze({ db: DB_DEFAULT, logFormat: 'json' as const });

/** The exit code when the watchdog gives up (service/errors.ts WATCHDOG_EXIT_CODE; repeated so --help needs no import). */
const WATCHDOG_EXIT = 3;

/** Raw commander options. */
export interface RawValidatorOptions {
  chain?: unknown; netuid?: unknown; key?: unknown; keyEnv?: unknown; dev?: unknown; db?: unknown; config?: unknown;
  metrics?: unknown; metricsAllowRemote?: unknown; allowPrivate?: unknown; epochs?: unknown; logFormat?: unknown;
}

/**
 * Checks the raw command-line options key by key.
 * @throws InvalidOptionError naming the option
 */
export async function parseValidatorOptions(raw: RawValidatorOptions): Promise<ValidatorCliOptions> {
  const chain = chainOption(raw.chain);
  const netuid = netuidOption(raw.netuid);
  const epochs = optionalInteger('--epochs', raw.epochs, 1, 1_000_000);
  const logFormat = choiceOption('--log-format', raw.logFormat ?? VALIDATOR_CLI_DEFAULTS.logFormat, ['json', 'pretty'] as const);
  const db = dbOption(raw.db);
  const config = pathOption('--config', raw.config, 'a JSON file');
  let metrics: ListenAddress | null = null;
  if (raw.metrics !== undefined) {
    const { parseListenAddress } = await import('../service/index.js');
    metrics = parseListenAddress(String(raw.metrics), '--metrics');
  }
  return {
    chain, netuid, ...parseKeyOptions({ key: raw.key, keyEnv: raw.keyEnv, dev: raw.dev }, 'validator'),
    db, config, metrics, metricsAllowRemote: flagOption(raw.metricsAllowRemote),
    allowPrivate: flagOption(raw.allowPrivate), epochs, logFormat,
  };
}

/** Where the command writes, and what stops it. */
export interface ValidatorIo {
  /** Receives the log lines (stderr in the CLI). */
  log(line: string): void;
  /** Resolves when the service must stop (SIGINT or SIGTERM in the CLI). */
  stopped: Promise<string>;
}

/**
 * Runs the validator until a stop, --epochs, or the watchdog; returns the exit code (0, 3 for the watchdog, 1 for a
 * fatal error). Bad config throws InvalidOptionError (exit 2) before anything connects.
 */
export async function runValidator(o: ValidatorCliOptions, io: ValidatorIo): Promise<number> {
  const { createValidator, createLogger, WATCHDOG_EXIT_CODE } = await import('../service/index.js');
  const config = o.config === null ? {} : await readJsonInput(o.config);
  // YUMAVAL_LOG_LEVEL (default info): `debug` adds each step's scores (the crash suite compares them with the store).
  const logger = createLogger({ format: o.logFormat, sink: { write: io.log }, level: process.env['YUMAVAL_LOG_LEVEL'] ?? 'info' });
  const v = createValidator({
    chain: o.chain, netuid: o.netuid, key: o.key, dev: o.dev, db: o.db, config, metrics: o.metrics, allowNonLoopbackMetrics: o.metricsAllowRemote,
    allowPrivate: o.allowPrivate, epochs: o.epochs, logger,
  });
  // A signal during the start (a chain still unreachable) stops it too.
  void io.stopped.then((signal) => {
    logger.info({ signal }, 'stopping: no new step; the running one finishes or reaches its deadline');
    void v.stop();
  });
  try {
    await v.start();
  } catch (e) {
    const reason = await v.stopped;
    if (reason.kind === 'watchdog') {
      logger.error({ reason: reason.error.reason }, reason.error.message);
      return WATCHDOG_EXIT_CODE;
    }
    // Stopped by a signal while starting: a clean stop.
    if ((e as Error).name === 'AbortError') return 0;
    throw e;
  }
  const reason = await v.stopped;
  if (reason.kind === 'watchdog') return WATCHDOG_EXIT_CODE;
  if (reason.kind === 'error') {
    logger.error({ err: reason.error.message, code: (reason.error as { code?: string }).code }, 'the validator failed');
    return 1;
  }
  return 0;
}

/** `yumaval validator`: the validator service. */
export function validatorCommand(): Command {
  return new Command('validator')
    .description('run a validator: query miners with the task mix, score them in WASM, set weights once per tempo; until Ctrl-C or --epochs')
    .option('--chain <ws>', 'the node\'s ws:// or wss:// URL')
    .option('--netuid <n>', 'the subnet')
    .option('--key <file>', 'the validator hotkey: a file holding a mnemonic or 0x seed (mode 600), or with --dev a dev URI (//Alice)')
    .option('--key-env <name>', KEY_ENV_HELP)
    .option('--dev', 'accept a dev URI as --key (anyone knows its secret: local networks only)')
    .option('--db <file>', `the store (scores, steps, intents, salts, predictions), shared with weights set (default ${VALIDATOR_CLI_DEFAULTS.db})`)
    .option('--config <file>', 'JSON validator config (docs/validator.md lists every key and its default); unknown keys are refused')
    .option('--metrics <host:port>', 'serve /metrics (Prometheus) and /healthz (JSON) there; loopback only unless --metrics-allow-remote')
    .option('--metrics-allow-remote', 'let --metrics bind a non-loopback address')
    .option('--allow-private', ALLOW_PRIVATE_HELP)
    .option('--epochs <k>', 'stop with exit 0 once K weight submissions have landed (a commit counts with its reveal)')
    .option('--log-format <format>', 'json (pino lines, the default) or pretty (human lines)')
    .addHelpText('after', [
      '',
      'Logs go to stderr; the key is never logged, only its address.',
      `Exit codes: 0 clean stop (SIGINT, SIGTERM, --epochs reached); 2 bad input or config (one line naming the key);`,
      `${WATCHDOG_EXIT} the watchdog gave up (no step, no finalized head, or no weights for too long: restart the service); 1 otherwise.`,
    ].join('\n'))
    .action(async (raw: RawValidatorOptions) => {
      const o = await parseValidatorOptions(raw);
      const stopped = stopSignal();
      // A stop ends within one query timeout plus 2 s whatever is still running: the store is crash-safe.
      void stopped.then(async () => {
        const { resolveValidatorConfig } = await import('../service/index.js');
        const timeoutS = o.config === null ? resolveValidatorConfig({}).queryTimeoutSeconds : resolveValidatorConfig(await readJsonInput(o.config)).queryTimeoutSeconds;
        setTimeout(() => process.exit(0), timeoutS * 1000 + 1_800).unref();
      });
      const code = await runValidator(o, { log: (line) => process.stderr.write(line), stopped });
      // Background timers of the chain client must not hold the exit.
      process.exit(code);
    });
}
