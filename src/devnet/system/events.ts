import { compactToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { InvalidInputError } from '../../errors/index.js';
import type { EventSpec } from '../dispatch.js';
import type { DevnetRuntime } from '../runtime.js';
import type { Hex } from '../storage-codec.js';

/*
 * The events of one block, as frame-system stores them in `System.Events`: a Vec<EventRecord> of (phase, event,
 * topics). An event is encoded from the metadata alone: the pallet's index, the event's index, then each field with
 * its own type. Records are kept encoded, so a failed call's events are dropped by truncating the list.
 */

/** When an event happened: block initialisation, the extrinsic at an index, or block finalisation. */
export type Phase = { applyExtrinsic: number } | 'initialization' | 'finalization';

/** Pallet indices by the metadata's camelCase names, per runtime. */
const palletIndices = new WeakMap<DevnetRuntime, Map<string, number>>();

/** The index of a pallet (metadata camelCase name, e.g. `subtensorModule`) in the served runtime. */
export function palletIndex(runtime: DevnetRuntime, pallet: string): number {
  let map = palletIndices.get(runtime);
  if (map === undefined) {
    map = new Map();
    for (const p of runtime.metadata.asLatest.pallets) {
      const name = p.name.toString();
      map.set(name.charAt(0).toLowerCase() + name.slice(1), p.index.toNumber());
    }
    // Keep the decorated sections' own spelling too (e.g. `evm` for `EVM`).
    for (const section of Object.keys(runtime.decorated.tx)) {
      const found = runtime.metadata.asLatest.pallets.find((p) => p.name.toString().toLowerCase() === section.toLowerCase());
      if (found !== undefined) map.set(section, found.index.toNumber());
    }
    palletIndices.set(runtime, map);
  }
  const index = map.get(pallet);
  if (index === undefined) throw new InvalidInputError(pallet, 'is not a pallet of the served runtime (spec 233)');
  return index;
}

/** The SCALE encoding of an event (pallet index, event index, fields), by the metadata's names. */
export function encodeEvent(runtime: DevnetRuntime, event: EventSpec): Uint8Array {
  const where = `${event.pallet}.${event.method}`;
  const meta = runtime.decorated.events[event.pallet]?.[event.method]?.meta;
  if (meta === undefined) throw new InvalidInputError(where, 'is not an event of the served runtime (spec 233)');
  const fields = meta.fields;
  if (event.data.length !== fields.length) {
    throw new InvalidInputError(where, `takes ${fields.length} fields, got ${event.data.length}`);
  }
  const parts: Uint8Array[] = [new Uint8Array([palletIndex(runtime, event.pallet), meta.index.toNumber()])];
  fields.forEach((field, i) => {
    const type = runtime.registry.createLookupType(field.type);
    parts.push(runtime.registry.createTypeUnsafe(type, [event.data[i]]).toU8a());
  });
  return u8aConcat(...parts);
}

/** The events deposited while a block is built. */
export class EventLog {
  private readonly records: Uint8Array[] = [];

  constructor(private readonly runtime: DevnetRuntime) {}

  /** Number of records so far (a mark to truncate back to). */
  get length(): number {
    return this.records.length;
  }

  /** Records an event in a phase. */
  deposit(phase: Phase, event: EventSpec): void {
    const phaseValue = typeof phase === 'string'
      ? (phase === 'initialization' ? 'Initialization' : 'Finalization')
      : { ApplyExtrinsic: phase.applyExtrinsic };
    const encodedPhase = this.runtime.registry.createType('Phase', phaseValue).toU8a();
    // No topics: frame deposits them only through deposit_event_indexed, which the served pallets do not use here.
    this.records.push(u8aConcat(encodedPhase, encodeEvent(this.runtime, event), compactToU8a(0)));
  }

  /** Drops the records after the first `length` (a failed call's events). */
  truncate(length: number): void {
    this.records.length = Math.min(length, this.records.length);
  }

  /** The `System.Events` value, or null when the block has no events (the item is then absent, as after `kill`). */
  encode(): Hex | null {
    if (this.records.length === 0) return null;
    return u8aToHex(u8aConcat(compactToU8a(this.records.length), ...this.records)) as Hex;
  }
}
