import { readFile } from 'node:fs/promises';
import { FileReadError, InvalidJsonError, InvalidOptionError } from '../errors/index.js';
import { CATALOGUE, validateScenario } from '../simulation/index.js';
import type { Scenario } from '../simulation/index.js';

/*
 * Where a sweep's epochs come from. Every source resolves to a scenario in the explicit or behaviour form
 * (contracts/scenario.md), plus what is known of who is honest, so one evaluator serves them all:
 * - `scenario`: a catalogue name or a scenario file;
 * - recorded history (planned, with the replay archive): an archive's real weights and stakes as explicit epochs, the
 *   behaviours' ground truth in `truth` when the history was simulated. A loader for it registers in SOURCE_LOADERS.
 * A resolved source is plain JSON, so it travels to worker threads and through Redis unchanged.
 */

/** What is known of the source's validators, when its scenario does not say it with behaviours. */
export interface SourceTruth {
  /** The honest validators' uids. */
  honest?: number[];
  /** Miners a cartel boosts (the dishonest side of stake retention). */
  cartelMiners?: number[];
}

/** A resolved source: a name, a scenario and the known truth. */
export interface TuneSource {
  kind: 'scenario' | 'archive';
  name: string;
  scenario: Scenario;
  truth?: SourceTruth;
}

/** Turns a reference (a name, a file, an archive and netuid) into a source. */
export type SourceLoader = (ref: string) => Promise<TuneSource>;

/** A catalogue name or a scenario file (checked here, so a bad file fails before any trial runs). */
export async function loadScenarioSource(ref: string): Promise<TuneSource> {
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

/** The loaders by source kind. `archive` joins when the replay archive exists (docs/tune.md, "Not yet"). */
export const SOURCE_LOADERS: ReadonlyMap<TuneSource['kind'], SourceLoader> = new Map([['scenario', loadScenarioSource]]);
