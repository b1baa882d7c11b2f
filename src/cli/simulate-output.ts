import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { FileWriteError, InvalidInputError, InvalidOptionError, showPath } from '../errors/index.js';
import { toCsv } from '../simulation/index.js';
import type { EpochSeries, NormalizedScenario } from '../simulation/index.js';

/*
 * The output side of `yumaval simulate`, built so that memory does not grow with every epoch's bonds:
 * - the per-epoch outputs (stdout with --json, <variant>.json and .csv with --out) are written as each epoch is
 *   computed, stdout with backpressure and the files with synchronous writes, and then dropped;
 * - what stays is one series record per epoch and variant (no bonds rows, no bits: simulation/types.ts), which the
 *   tables, metrics and report read. Its size is known before the run, so a run whose series cannot fit in the heap
 *   is refused up front (exit 2, naming the sizes) instead of dying of heap exhaustion after minutes;
 * - variant names become file names that cannot leave --out, and two names that would share a file are refused.
 */

/**
 * Bytes of heap one uid's series record takes for one epoch (measured at n = 4096, 201 epochs: docs/simulation.md),
 * with margin: 7 number arrays and 3 decimal-string arrays.
 */
export const SERIES_BYTES_PER_UID_EPOCH = 400;
/** The share of the heap limit the series may take: the rest holds the current epoch, its input and the output text. */
const SERIES_HEAP_SHARE = 0.5;

/**
 * Refuses a run whose series records would not fit in this process's heap.
 * @throws InvalidInputError naming n, the epochs and the variants
 */
export function checkSeriesFits(s: NormalizedScenario, withBaseline: boolean, heapLimit = getHeapStatistics().heap_size_limit): void {
  const epochs = s.blocks.length - (s.warmup ? 1 : 0);
  const runs = s.variants.length * (withBaseline ? 2 : 1);
  const bytes = s.n * epochs * runs * SERIES_BYTES_PER_UID_EPOCH;
  const budget = heapLimit * SERIES_HEAP_SHARE;
  if (bytes > budget) {
    const mib = (b: number): string => `${Math.round(b / 2 ** 20)} MiB`;
    throw new InvalidInputError('epochs', `n = ${s.n} × ${epochs} epochs × ${runs} variant run(s)${withBaseline ? ' (with the honest baseline)' : ''} needs about ${mib(bytes)} for the tables, metrics and report, more than the ${mib(budget)} this heap allows: run fewer epochs (--epochs), use --json alone (streamed, nothing kept), or raise node's --max-old-space-size`);
  }
}

/** Runs a write, turning its failure into a FileWriteError that names the path and the system's code only. */
export async function guardWrite<T>(path: string, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof FileWriteError) throw err;
    const e = err as NodeJS.ErrnoException;
    // The system's message repeats the path; only its code is kept, the path is shown once (and never a secret).
    throw new FileWriteError(showPath(path), e.code ?? e.message);
  }
}

/** The files of one variant under --out. */
export interface VariantFile {
  json: string;
  csv: string;
  /** `<name>.history.jsonl`: the variant's epochs in the replay archive's JSON Lines format (for `yumaval audit`). */
  history: string;
}

/** A variant name as a file name: only [A-Za-z0-9._-], and no leading dot (so `..` and `.hidden` stay inside). */
export function fileBase(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, (dots) => '_'.repeat(dots.length));
}

/**
 * The files of each variant under `dir`. Names that would map to one file (`a/b` and `a?b` both give a_b; names that
 * differ only in case, on case-insensitive file systems) or to metrics.json are refused before anything runs.
 * @throws InvalidInputError naming both variants
 */
export function variantFiles(dir: string, names: readonly string[]): VariantFile[] {
  const seen = new Map<string, number>();
  return names.map((name, i) => {
    const base = fileBase(name);
    const key = base.toLowerCase();
    if (key === 'metrics') throw new InvalidInputError(`variants[${i}].name`, `${JSON.stringify(name)} would be written as metrics.json in --out, the run's metrics file: rename the variant`);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InvalidInputError(`variants[${i}].name`, `${JSON.stringify(name)} and variants[${first}].name ${JSON.stringify(names[first])} would both be written as ${base}.json in --out: rename one`);
    }
    seen.set(key, i);
    return { json: join(dir, `${base}.json`), csv: join(dir, `${base}.csv`), history: join(dir, `${base}.history.jsonl`) };
  });
}

/** Writes each variant's <name>.json and <name>.csv epoch by epoch (synchronous writes: nothing queues up). */
export class VariantWriter {
  private json: number | null = null;
  private csv: number | null = null;
  private history: number | null = null;
  private file: VariantFile | null = null;
  private written = 0;

  private put(fd: number, path: string, text: string): void {
    try {
      writeSync(fd, text);
    } catch (err) {
      throw new FileWriteError(showPath(path), (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
  }

  private openFile(path: string): number {
    try {
      return openSync(path, 'w');
    } catch (err) {
      throw new FileWriteError(showPath(path), (err as NodeJS.ErrnoException).code ?? (err as Error).message);
    }
  }

  /** Ends the previous variant's files and starts this one's, `{"name":…,"epochs":[`. */
  start(file: VariantFile, nameJson: string): void {
    this.end();
    this.file = file;
    this.json = this.openFile(file.json);
    this.csv = this.openFile(file.csv);
    this.history = this.openFile(file.history);
    this.written = 0;
    this.put(this.json, file.json, `{"name":${nameJson},"epochs":[`);
  }

  /** One epoch: its whole output into the JSON file, its series into the CSV, its history line into the JSON Lines. */
  epoch(e: number, outputJson: string, series: EpochSeries, historyLine: string): void {
    if (this.file === null || this.json === null || this.csv === null || this.history === null) throw new InvalidOptionError('--out', 'an epoch came before its variant (a bug)');
    this.put(this.history, this.file.history, `${historyLine}\n`);
    this.put(this.json, this.file.json, `${e > 0 ? ',' : ''}${outputJson}`);
    this.put(this.csv, this.file.csv, toCsv([series], e, this.written === 0));
    this.written++;
  }

  /** Closes the current variant's files (`]}` ends its JSON; an empty CSV still gets its header). */
  end(): void {
    if (this.file === null) return;
    if (this.json !== null) this.put(this.json, this.file.json, ']}\n');
    if (this.csv !== null && this.written === 0) this.put(this.csv, this.file.csv, toCsv([]));
    this.close();
  }

  /** Closes any open file without ending it (after an error). */
  close(): void {
    if (this.json !== null) closeSync(this.json);
    if (this.csv !== null) closeSync(this.csv);
    if (this.history !== null) closeSync(this.history);
    this.json = this.csv = this.history = null;
    this.file = null;
  }
}
