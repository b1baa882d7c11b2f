import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FileWriteError, InvalidOptionError } from '../errors/index.js';
import type { TrialResult } from './types.js';

/*
 * Where a sweep's results live, keyed by trial id, each written once: the first write of a trial wins and a later
 * one (a retried job that ran it again) is dropped. A sweep that finds a trial's result here does not run it again.
 */

/** The results of one sweep. */
export interface ResultStore {
  /** Every stored result by trial id. */
  all(): Promise<Map<string, TrialResult>>;
  /** Stores a result unless its trial has one already; true when this call stored it. */
  put(result: TrialResult): Promise<boolean>;
}

/** Results in memory, for one invocation. */
export class MemoryStore implements ResultStore {
  private readonly results = new Map<string, TrialResult>();

  async all(): Promise<Map<string, TrialResult>> {
    return new Map(this.results);
  }

  async put(result: TrialResult): Promise<boolean> {
    if (this.results.has(result.id)) return false;
    this.results.set(result.id, result);
    return true;
  }
}

/**
 * Results in a JSON Lines file (`DIR/results.jsonl` with `--out`): one line per trial, appended as it finishes, so a
 * local sweep that is stopped resumes where it was. A line cut short by a crash is ignored and its trial runs again.
 */
export class FileStore implements ResultStore {
  private readonly results = new Map<string, TrialResult>();
  /** A torn last line must not swallow the next record. */
  private torn = false;

  /**
   * @param digest the sweep definition's hash: lines of the same sweep id written for another definition are refused,
   *   since a reused `--sweep ID` would otherwise mix two sweeps' results
   */
  constructor(readonly file: string, readonly sweep: string, readonly digest: string) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      // No file yet: a new sweep.
    }
    this.torn = text !== '' && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const rec = JSON.parse(line) as { sweep: string; digest: string; result: TrialResult };
        if (rec.sweep !== sweep) continue;
        if (rec.digest !== digest) throw new InvalidOptionError('--sweep', `sweep ${sweep} in ${file} was run with another definition (space, sources, objectives, search, seed or trials differ): choose another id or --out`);
        if (!this.results.has(rec.result.id)) this.results.set(rec.result.id, rec.result);
      } catch (err) {
        if (err instanceof InvalidOptionError) throw err;
        // A torn last line.
      }
    }
  }

  async all(): Promise<Map<string, TrialResult>> {
    return new Map(this.results);
  }

  async put(result: TrialResult): Promise<boolean> {
    if (this.results.has(result.id)) return false;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, `${this.torn ? '\n' : ''}${JSON.stringify({ sweep: this.sweep, digest: this.digest, result })}\n`);
      this.torn = false;
    } catch (err) {
      throw new FileWriteError(this.file, (err as Error).message);
    }
    this.results.set(result.id, result);
    return true;
  }
}
