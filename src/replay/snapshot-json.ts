import { describeValue, InvalidInputError, InvalidJsonError } from '../errors/index.js';
import { readInt, readU64, validateEpochInput } from '../yuma/index.js';
import { ss58Problem } from './ss58.js';
import type { EpochInput } from '../yuma/index.js';
import type { Snapshot, StoredOutput } from './types.js';

/*
 * The archive's interchange format, JSON Lines: one snapshot per line,
 *   { "genesis"?, "netuid", "block", "input": EpochInput, "output": StoredOutput | null, "hotkeys", "coldkeys",
 *     "axons"?, "unread"? }.
 * `input` is exactly the contract's EpochInput, validated by the same code as `yumaval epoch`, so every error names
 * its place the same way, prefixed with the line: `line 3: input.stake[2]: expected ...`. Tools outside this project
 * write such files by hand, so every field of every line is checked, and unknown fields are refused.
 */

/** The genesis key of lines that carry none (files written by other tools). */
export const UNKNOWN_GENESIS = 'unknown';

const LINE_KEYS = ['genesis', 'netuid', 'block', 'input', 'output', 'hotkeys', 'coldkeys', 'axons', 'unread'];
const OUTPUT_KEYS = ['active', 'validatorPermit', 'consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight', 'emission', 'bonds'];

type Obj = Record<string, unknown>;

function refuseUnknown(o: Obj, known: string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new InvalidInputError(`${path}${k}`, `unknown field (valid: ${known.join(', ')})`);
  }
}

function array(v: unknown, path: string, n: number, what: string): unknown[] {
  if (!Array.isArray(v)) throw new InvalidInputError(path, `expected an array of ${what}, got ${describeValue(v)}`);
  if (v.length !== n) throw new InvalidInputError(path, `expected ${n} ${what} (input.n), got ${v.length}`);
  return v;
}

function checkOutput(v: unknown, p: string, n: number): StoredOutput | null {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidInputError(p.replace(/\.$/, ''), `expected an object of stored results or null, got ${describeValue(v)}`);
  const o = v as Obj;
  refuseUnknown(o, OUTPUT_KEYS, p);
  const out: StoredOutput = {};
  for (const f of ['active', 'validatorPermit'] as const) {
    if (o[f] === undefined) continue;
    out[f] = array(o[f], p + f, n, 'booleans').map((b, i) => {
      if (typeof b !== 'boolean') throw new InvalidInputError(`${p}${f}[${i}]`, `expected a boolean, got ${describeValue(b)}`);
      return b;
    });
  }
  for (const f of ['consensus', 'incentive', 'dividends', 'validatorTrust', 'stakeWeight'] as const) {
    if (o[f] === undefined) continue;
    out[f] = array(o[f], p + f, n, 'u16 values').map((x, i) => readInt(x, `${p}${f}[${i}]`, 0, 65535));
  }
  if (o['emission'] !== undefined) out.emission = array(o['emission'], `${p}emission`, n, 'rao amounts').map((x, i) => readU64(x, `${p}emission[${i}]`).toString());
  if (o['bonds'] !== undefined) {
    out.bonds = array(o['bonds'], `${p}bonds`, n, 'rows').map((row, i) => {
      if (!Array.isArray(row)) throw new InvalidInputError(`${p}bonds[${i}]`, `expected a row of [uid, u16] pairs, got ${describeValue(row)}`);
      return row.map((pair: unknown, k): [number, number] => {
        const at = `${p}bonds[${i}][${k}]`;
        if (!Array.isArray(pair) || pair.length !== 2) throw new InvalidInputError(at, `expected a [uid, u16] pair, got ${describeValue(pair)}`);
        return [readInt(pair[0], `${at}[0]`, 0, n - 1), readInt(pair[1], `${at}[1]`, 0, 65535)];
      });
    });
  }
  return out;
}

function checkKeys(v: unknown, path: string, n: number): string[] {
  return array(v, path, n, 'SS58 addresses (or "" for none)').map((k, i) => {
    if (typeof k !== 'string') throw new InvalidInputError(`${path}[${i}]`, `expected an SS58 address string, got ${describeValue(k)}`);
    if (k !== '') {
      // Any network prefix is accepted: the address must only be well formed.
      const problem = ss58Problem(k);
      if (problem !== null) throw new InvalidInputError(`${path}[${i}]`, `"${k}" is not a valid SS58 address (${problem})`);
    }
    return k;
  });
}

/**
 * Validates one parsed line and returns its genesis and snapshot.
 * @param where the place for messages, e.g. `line 3: `
 * @throws InvalidInputError naming the field
 */
export function readSnapshotValue(raw: unknown, where: string, defaultGenesis: string = UNKNOWN_GENESIS): { genesis: string; snapshot: Snapshot } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInputError(where.replace(/:?\s*$/, ''), `expected a snapshot object, got ${describeValue(raw)}`);
  const o = raw as Obj;
  refuseUnknown(o, LINE_KEYS, where);
  let genesis = defaultGenesis;
  if (o['genesis'] !== undefined) {
    if (typeof o['genesis'] !== 'string' || !/^0x[0-9a-f]{64}$/.test(o['genesis'])) throw new InvalidInputError(`${where}genesis`, `expected a 0x-prefixed 32-byte hash in lower case, got ${describeValue(o['genesis'])}`);
    genesis = o['genesis'];
  }
  for (const k of ['netuid', 'block', 'input', 'output', 'hotkeys', 'coldkeys']) {
    if (o[k] === undefined) throw new InvalidInputError(`${where}${k}`, 'is required');
  }
  const netuid = readInt(o['netuid'], `${where}netuid`, 0, 65535);
  const block = readInt(o['block'], `${where}block`, 1, Number.MAX_SAFE_INTEGER);
  const normalized = validateEpochInput(o['input'], `${where}input.`);
  if (normalized.block !== BigInt(block)) throw new InvalidInputError(`${where}input.block`, `expected the epoch block ${block} (the line's block), got ${normalized.block}`);
  const n = normalized.n;
  const snapshot: Snapshot = {
    netuid,
    block,
    input: o['input'] as EpochInput,
    output: checkOutput(o['output'], `${where}output.`, n),
    hotkeys: checkKeys(o['hotkeys'], `${where}hotkeys`, n),
    coldkeys: checkKeys(o['coldkeys'], `${where}coldkeys`, n),
  };
  if (o['axons'] !== undefined) {
    snapshot.axons = array(o['axons'], `${where}axons`, n, 'axons (or null)').map((a, i) => {
      if (a !== null && (typeof a !== 'object' || Array.isArray(a))) throw new InvalidInputError(`${where}axons[${i}]`, `expected an axon object or null, got ${describeValue(a)}`);
      return a as Snapshot['axons'] extends Array<infer T> | undefined ? T : never;
    });
  }
  if (o['unread'] !== undefined) {
    snapshot.unread = array(o['unread'], `${where}unread`, (o['unread'] as unknown[]).length ?? 0, 'field names').map((f, i) => {
      if (typeof f !== 'string') throw new InvalidInputError(`${where}unread[${i}]`, `expected a field name, got ${describeValue(f)}`);
      return f;
    });
  }
  return { genesis, snapshot };
}

/**
 * Parses and validates one line of a JSON Lines file.
 * @param lineNo 1-based, for messages
 * @throws InvalidJsonError (the line is not JSON) or InvalidInputError (a field is wrong), both naming the line
 */
export function parseSnapshotLine(text: string, lineNo: number, defaultGenesis?: string): { genesis: string; snapshot: Snapshot } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InvalidJsonError(`line ${lineNo}`, (e as Error).message.split('\n')[0] ?? 'parse error');
  }
  return readSnapshotValue(raw, `line ${lineNo}: `, defaultGenesis);
}

/** One snapshot as a JSON Lines line (no newline). */
export function snapshotLine(genesis: string, s: Snapshot): string {
  const line: Obj = { genesis, netuid: s.netuid, block: s.block, input: s.input, output: s.output, hotkeys: s.hotkeys, coldkeys: s.coldkeys };
  if (s.axons !== undefined) line['axons'] = s.axons;
  if (s.unread !== undefined) line['unread'] = s.unread;
  return JSON.stringify(line, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
