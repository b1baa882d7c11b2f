import { Command } from 'commander';
import { InvalidOptionError } from '../errors/index.js';
import type { Store as StoreType } from '../store/index.js';
import { readJsonInput, writeJson } from './read-input.js';
import { chainOption, DB_DEFAULT, dbOption, flagOption, KEY_ENV_HELP, netuidOption, parseKeyOptions, u64Option } from './options.js';
import type { KeySource } from '../keys/index.js';

/*
 * `yumaval weights set`: process float scores as the SDK does with the chain's n / MinAllowedWeights /
 * MaxWeightsLimit, pre-validate them in the chain's order, and set them (or commit them under commit-reveal) through
 * the weight pipeline, whose store (--db) keeps the signed bytes and salts across crashes. Human lines go to stderr,
 * the JSON summary alone to stdout. The key is loaded by src/keys and never printed: only its address is.
 * The chain client is loaded only when this command runs.
 */

/** The command's options, checked. */
export interface WeightsSetOptions {
  chain: string;
  netuid: number;
  /** The hotkey's source: a file (which may hold a dev URI, with dev), an environment variable, or a dev URI. */
  key: KeySource;
  dev: boolean;
  weights: string;
  versionKey: bigint | null;
  dryRun: boolean;
  db: string;
  /** Under commit-reveal: also wait for the reveal window and reveal before exiting. */
  reveal: boolean;
}

export const WEIGHTS_SET_DEFAULTS: Readonly<Pick<WeightsSetOptions, 'dev' | 'versionKey' | 'dryRun' | 'db' | 'reveal'>> = Object.freeze({
  dev: false, versionKey: null, dryRun: false, db: DB_DEFAULT, reveal: false,
});

/**
 * Checks the raw command-line options key by key.
 * @throws InvalidOptionError naming the option
 */
export function parseWeightsSetOptions(raw: Record<string, unknown>): WeightsSetOptions {
  const str = (name: string): string => {
    const v = raw[name];
    if (typeof v !== 'string' || v === '') throw new InvalidOptionError(`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, 'is required');
    return v;
  };
  const chain = chainOption(raw['chain']);
  const netuid = netuidOption(raw['netuid']);
  const versionKey = raw['versionKey'] === undefined ? WEIGHTS_SET_DEFAULTS.versionKey : u64Option('--version-key', raw['versionKey']);
  return {
    chain, netuid, ...parseKeyOptions({ key: raw['key'], keyEnv: raw['keyEnv'], dev: raw['dev'] }, 'validator'),
    weights: str('weights'), versionKey, dryRun: flagOption(raw['dryRun']), reveal: flagOption(raw['reveal']),
    db: dbOption(raw['db']),
  };
}

/** Where the command writes. */
export interface WeightsSetIo {
  stderr(line: string): void;
}

/** Runs `weights set`; returns the exit code (0 only when the weights landed, or were committed). */
export async function runWeightsSet(o: WeightsSetOptions, io: WeightsSetIo): Promise<number> {
  const [{ loadKey }, { ChainConnection }, { WeightsPipeline, PrevalidationError }, { Store }, { validateWeightsInput }] = await Promise.all([
    import('../keys/index.js'), import('../chain/index.js'), import('../chain/index.js'), import('../store/index.js'), import('../scoring/index.js'),
  ]);
  const doc = await readJsonInput(o.weights);
  const key = await loadKey(o.key, { dev: o.dev });
  const conn = await ChainConnection.open({ url: o.chain, log: (l) => io.stderr(l) });
  let store: StoreType | null = null;
  try {
    store = Store.open(o.db);
    const pipeline = new WeightsPipeline(conn, store, key.pair, { log: (l) => io.stderr(l) });
    const state = await pipeline.readState(o.netuid);
    // The chain's hyperparameters win over the file's.
    const fileDoc = (typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : {}) as Record<string, unknown>;
    const chainParams = { n: state.n, minAllowedWeights: state.minAllowedWeights, maxWeightLimit: state.maxWeightsLimit / 65535 };
    for (const [k, v] of Object.entries(chainParams)) {
      if (fileDoc[k] !== undefined && fileDoc[k] !== v) io.stderr(`weights file: ${k} ${JSON.stringify(fileDoc[k])} is overridden by the chain's ${v}`);
    }
    const input = validateWeightsInput(Array.isArray(doc) || typeof doc !== 'object' || doc === null ? doc : { ...fileDoc, ...chainParams });
    const emitted = pipeline.process(state, input.uids, input.weights, Math.round(input.excludeQuantile * 65535));
    const preview = await pipeline.preview({ netuid: o.netuid, uids: emitted.uids, values: emitted.values, versionKey: o.versionKey ?? undefined });
    io.stderr(`hotkey ${key.address} (${key.source}) on ${o.chain}, subnet ${o.netuid} at block ${state.block}`);
    io.stderr(`would send ${preview.kind}: uids ${JSON.stringify(emitted.uids)} values ${JSON.stringify(emitted.values)} version key ${preview.versionKey}`);
    const v = preview.verdict;
    const verdict = v.ok ? 'ok' : v.chainError;
    io.stderr(v.ok ? 'pre-validation: ok' : `pre-validation: the chain would refuse with ${v.chainError} (${v.detail})${v.firstAllowedBlock !== null ? `; first allowed block ${v.firstAllowedBlock}` : ''}`);
    const summary: Record<string, unknown> = {
      chain: o.chain, netuid: o.netuid, hotkey: key.address, call: preview.kind, uids: emitted.uids, values: emitted.values,
      versionKey: preview.versionKey.toString(), verdict, firstAllowedBlock: v.ok ? null : v.firstAllowedBlock,
    };
    const waitable = !v.ok && v.firstAllowedBlock !== null;
    if (o.dryRun) {
      io.stderr('dry run: nothing sent');
      writeJson({ ...summary, outcome: 'dry-run' });
      return v.ok || waitable ? 0 : 1;
    }
    try {
      const w = { netuid: o.netuid, uids: emitted.uids, values: emitted.values, versionKey: preview.versionKey };
      const landed = preview.kind === 'commit_weights' ? await pipeline.commitWeights(w)
        : preview.kind === 'commit_timelocked_weights' ? await pipeline.commitTimelocked(w) : await pipeline.setWeights(w);
      const i = landed.intent;
      io.stderr(`${i.kind} landed in block ${i.blockNumber} (${i.blockHash}), extrinsic ${i.extrinsicHash}`);
      const out: Record<string, unknown> = { ...summary, outcome: i.kind === 'set_weights' ? 'set' : 'committed', intent: i.id, block: i.blockNumber, blockHash: i.blockHash, extrinsicHash: i.extrinsicHash };
      if (landed.revealWindow !== null && i.kind === 'commit_timelocked_weights') {
        // Timelocked: the chain reveals it itself when its drand round's pulse is stored; nothing to send.
        io.stderr(`timelocked: the chain reveals it in blocks ${landed.revealWindow.first}..${landed.revealWindow.last} once the round's pulse is stored`);
        out['revealWindow'] = landed.revealWindow;
      } else if (landed.revealWindow !== null) {
        io.stderr(`reveal window: blocks ${landed.revealWindow.first}..${landed.revealWindow.last}; the salt is in ${o.db}`);
        out['revealWindow'] = landed.revealWindow;
        if (o.reveal) {
          const r = (await pipeline.revealPending()).find((x) => x.commitIntentId === i.id);
          io.stderr(`reveal: ${r?.status ?? 'not done'}${r?.reveal?.blockNumber != null ? ` in block ${r.reveal.blockNumber}` : ''}`);
          out['reveal'] = r === undefined ? null : { status: r.status, error: r.error, block: r.reveal?.blockNumber ?? null };
          writeJson(out);
          return r?.status === 'revealed' ? 0 : 1;
        }
      }
      writeJson(out);
      return 0;
    } catch (e) {
      const chainError = (e as { chainError?: string }).chainError ?? null;
      io.stderr(`outcome: ${e instanceof PrevalidationError ? 'refused locally' : 'failed'}: ${(e as Error).message}`);
      writeJson({ ...summary, outcome: 'failed', error: chainError ?? (e as { code?: string }).code ?? 'error' });
      return 1;
    }
  } finally {
    store?.close();
    await conn.close();
  }
}

/** `yumaval weights set`. */
export function weightsSetCommand(): Command {
  return new Command('set')
    .description('set weights on a chain (or commit them under commit-reveal): SDK processing with the chain\'s parameters, pre-validation in the chain\'s order, crash-safe submission')
    .requiredOption('--chain <ws>', 'the node\'s ws:// or wss:// URL')
    .requiredOption('--netuid <n>', 'the subnet')
    .option('--key <file>', 'the hotkey file: a mnemonic, a 0x seed, or (with --dev) a dev URI such as //Alice; chmod 600. With --dev, --key //Alice also works')
    .option('--key-env <name>', KEY_ENV_HELP)
    .option('--dev', 'accept dev URIs (//Alice) as keys')
    .requiredOption('--weights <file>', 'the `weights process` input: { uids, weights, ... } (n, minAllowedWeights and maxWeightLimit come from the chain)')
    .option('--version-key <k>', 'the version key (default: the subnet\'s WeightsVersionKey)')
    .option('--dry-run', 'print what would be sent and the pre-validation verdict; send nothing')
    .option('--db <file>', 'the store for intents, signed extrinsics and commit salts', WEIGHTS_SET_DEFAULTS.db)
    .option('--reveal', 'under commit-reveal, also wait for the reveal window and reveal')
    .addHelpText('after', '\nExit 0 only when the weights landed (or were committed under commit-reveal); 1 when refused or failed; 2 for bad input.\nThe key is never printed, only its address.')
    .action(async (raw: Record<string, unknown>) => {
      const code = await runWeightsSet(parseWeightsSetOptions(raw), { stderr: (l) => process.stderr.write(`${l}\n`) });
      process.exitCode = code;
    });
}
