import { readFileSync } from 'node:fs';
import { FileReadError, InvalidInputError } from '../errors/index.js';
import { Archive, parseSnapshotLine } from '../replay/index.js';
import type { Snapshot } from '../replay/index.js';
import { runEpochFields } from '../yuma/index.js';
import type { AuditEpoch } from './types.js';

/*
 * Reading a subnet's history for the audit: from the replay archive (by netuid and block range) or from the archive's
 * JSON Lines interchange, whoever wrote it. Every epoch is run once with the exact engine: its consensus and emissions
 * are what the detectors and the pricing compare against, and a line whose `output` is null needs them computed.
 * (Where the archive stored the chain's output and a replay matched it, the two are the same numbers.)
 */

/** Turns one snapshot into an audit epoch with the exact engine's results. */
export function auditEpoch(s: Snapshot): AuditEpoch {
  const out = runEpochFields(s.input, ['consensus', 'validatorEmission', 'serverEmission'], { mode: 'exact' });
  return {
    block: s.block,
    input: s.input,
    hotkeys: s.hotkeys,
    coldkeys: s.coldkeys,
    consensus: out.consensus,
    validatorEmission: out.validatorEmission.map((v) => BigInt(v)),
    serverEmission: out.serverEmission.map((v) => BigInt(v)),
  };
}

/** Where the history comes from. */
export type HistorySource =
  | { kind: 'archive'; file: string; netuid: number; from?: number; to?: number; genesis?: string }
  | { kind: 'jsonl'; file: string };

/** The snapshots of a source, ascending by block (one subnet). */
export function readSnapshots(source: HistorySource): Snapshot[] {
  if (source.kind === 'jsonl') {
    let text: string;
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (e) {
      throw new FileReadError(source.file, (e as Error).message);
    }
    const lines = text.split('\n');
    const out: Snapshot[] = [];
    let netuid: number | null = null;
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const { snapshot } = parseSnapshotLine(line, i + 1);
      if (netuid !== null && snapshot.netuid !== netuid) throw new InvalidInputError(`line ${i + 1}: netuid`, `the file mixes subnets ${netuid} and ${snapshot.netuid}; audit one subnet per file`);
      netuid = snapshot.netuid;
      out.push(snapshot);
    });
    out.sort((a, b) => a.block - b.block);
    return out;
  }
  const archive = Archive.open(source.file);
  try {
    const subnets = archive.subnets().filter((s) => s.netuid === source.netuid && (source.genesis === undefined || s.genesis === source.genesis));
    if (subnets.length === 0) throw new InvalidInputError('--netuid', `${source.file} holds no snapshot of subnet ${source.netuid}`);
    if (subnets.length > 1) throw new InvalidInputError('--netuid', `${source.file} holds subnet ${source.netuid} of several chains; choose one with --genesis`);
    const genesis = subnets[0]!.genesis;
    const out: Snapshot[] = [];
    for (const block of archive.blocks(genesis, source.netuid, source.from ?? 0, source.to ?? Number.MAX_SAFE_INTEGER)) {
      const s = archive.get(genesis, source.netuid, block);
      if (s !== null) out.push(s);
    }
    return out;
  } finally {
    archive.close();
  }
}
