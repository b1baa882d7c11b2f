import { PyFloat, type PyValue, synapseDump, type SynapseSpec, terminalDump } from '../protocol/index.js';

/*
 * The synapse dumps the axon answers with: the bare base Synapse of a request that named no route or whose headers did
 * not parse, the TerminalInfo of a side, and the reply as FastAPI serializes it.
 */

/** The base Synapse class: what the SDK answers with when the request gives it no synapse to work on. */
export const BASE_SPEC: SynapseSpec = Object.freeze({ name: 'Synapse', fields: Object.freeze({}), requiredHashFields: Object.freeze([]) as readonly string[] });

/** A fresh dump of the base Synapse (defaults, empty TerminalInfos). */
export function baseDump(): Map<string, PyValue> {
  return synapseDump(BASE_SPEC, {
    timeout: 12, totalSize: 0, headerSize: 0,
    dendrite: terminalDump('Synapse', 'dendrite', new Map()), axon: terminalDump('Synapse', 'axon', new Map()), computedBodyHash: '',
  }, new Map());
}

/** A non-finite float inside an untyped value becomes None, as pydantic's model_dump(mode="json") does. */
function nonFiniteToNone(v: PyValue): PyValue {
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v : null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (Array.isArray(v)) return v.map((x: PyValue) => nonFiniteToNone(x));
  if (v instanceof Map) return new Map([...(v as Map<string, PyValue>)].map(([k, x]) => [k, nonFiniteToNone(x)]));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nonFiniteToNone(x as PyValue)]));
  return v;
}

/**
 * The reply synapse as FastAPI serializes it (jsonable_encoder → model_dump(mode="json")): in list, dict and Any
 * fields NaN and ±inf become None (pydantic 2.13); a typed float field keeps them, and Starlette's allow_nan=False then
 * fails the reply with 500.
 */
export function jsonModeDump(spec: SynapseSpec, dump: Map<string, PyValue>): Map<string, PyValue> {
  for (const [f, s] of Object.entries(spec.fields)) {
    if (s.type === 'list' || s.type === 'dict' || s.type === 'any') dump.set(f, nonFiniteToNone(dump.get(f) ?? null));
  }
  return dump;
}

/** The dump's TerminalInfo of one side, created empty if the dump has none. */
export function terminal(dump: Map<string, PyValue>, side: 'axon' | 'dendrite'): Map<string, PyValue> {
  let t = dump.get(side);
  if (!(t instanceof Map)) {
    t = terminalDump('Synapse', side, new Map());
    dump.set(side, t);
  }
  return t as Map<string, PyValue>;
}
