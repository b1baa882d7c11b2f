import { readFile } from 'node:fs/promises';
import { FileReadError, InvalidJsonError, InvalidOptionError } from '../errors/index.js';
import { CATALOGUE, validateScenario } from '../simulation/index.js';
import { loadArchiveRef } from './archive-source.js';
import type { Scenario } from '../simulation/index.js';
import type { EpochInput } from '../yuma/index.js';

/*
 * Where a sweep's epochs come from. Every source resolves to a scenario in the explicit or behaviour form
 * (contracts/scenario.md), plus what is known of who is honest, so one evaluator serves them all:
 * - `scenario`: a catalogue name or a scenario file;
 * - `archive`: recorded history, a replay archive's epochs (src/tune/archive-source.ts) as the chain ran them: each
 *   epoch's EpochInput, re-run under the trial's parameters with bonds and permits carried (archive-run.ts). The
 *   scenario form cannot hold it: a chain's last-update and registration blocks, its starting bonds and its
 *   per-epoch hyperparameters are what make the recorded parameters reproduce the stored results.
 * A resolved source is plain JSON, so it travels to worker threads and through Redis unchanged.
 */

/** What is known of the source's validators, when its scenario does not say it with behaviours. */
export interface SourceTruth {
  /** The honest validators' uids. */
  honest?: number[];
  /** Miners a cartel boosts (the dishonest side of stake retention). */
  cartelMiners?: number[];
}

/** A resolved scenario source: a name, a scenario and the known truth. */
export interface ScenarioSource {
  kind: 'scenario';
  name: string;
  scenario: Scenario;
  truth?: SourceTruth;
}

/** One recorded epoch: its block, the EpochInput the chain ran, and whether the re-run restarts from its state. */
export interface RecordedEpoch {
  block: number;
  input: EpochInput;
  /**
   * True for the first epoch, and where the recorded bonds or permits do not continue what the previous epoch stored
   * (a gap in the archive, a state change between epochs): the re-run takes this epoch's recorded state instead of
   * carrying its own.
   */
  restart: boolean;
}

/** A resolved recorded-history source: the epochs of one subnet, ascending by block. */
export interface ArchiveSource {
  kind: 'archive';
  name: string;
  epochs: RecordedEpoch[];
  truth?: SourceTruth;
}

/** A resolved source. */
export type TuneSource = ScenarioSource | ArchiveSource;

/** Turns a reference (a name, a file, an archive and netuid) into a source. */
export type SourceLoader = (ref: string) => Promise<TuneSource>;

/** A catalogue name or a scenario file (checked here, so a bad file fails before any trial runs). */
export async function loadScenarioSource(ref: string): Promise<ScenarioSource> {
  const builtIn = CATALOGUE.get(ref);
  let scenario: Scenario;
  if (builtIn !== undefined) scenario = builtIn();
  else if (ref.toLowerCase().endsWith('.json')) {
    let text: string;
    try {
      text = await readFile(ref, 'utf8');
    } catch (err) {
      throw new FileReadError(ref, (err as Error).message);
    }
    try {
      scenario = JSON.parse(text) as Scenario;
    } catch (err) {
      throw new InvalidJsonError(ref, (err as Error).message);
    }
  } else {
    throw new InvalidOptionError('--scenario', `"${ref}" is neither a .json file nor a built-in scenario (the catalogue: ${[...CATALOGUE.keys()].join(', ')})`);
  }
  validateScenario(scenario);
  return { kind: 'scenario', name: builtIn !== undefined ? ref : (scenario.name ?? ref), scenario };
}

/** The loaders by source kind: `scenario` takes a name or a file, `archive` takes `FILE` or `FILE#NETUID`. */
export const SOURCE_LOADERS: ReadonlyMap<TuneSource['kind'], SourceLoader> = new Map<TuneSource['kind'], SourceLoader>([
  ['scenario', loadScenarioSource],
  ['archive', loadArchiveRef],
]);
