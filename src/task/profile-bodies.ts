import type { TopkAnswer } from './types.js';

/*
 * The bodies of the profiles that break the wire format. They echo the query's input fields, as an axon's reply (the
 * whole synapse) would, so they look like a reply until a strict parser or a size cap reads them.
 */

/** The content type of every raw body. */
export const JSON_TYPE = 'application/json';

/** The reply a Python miner writes for NaN probabilities: `json.dumps` (allow_nan=True) emits the bare token `NaN`. */
export function nanLiteralBody(input: Readonly<Record<string, unknown>>, answer: TopkAnswer): string {
  const MARK = '__yumaval_nan__';
  const text = JSON.stringify({ ...input, topk: answer.topk.map(([t]) => [t, MARK]), floor: MARK });
  return text.split(JSON.stringify(MARK)).join('NaN');
}

/** Invalid JSON: the first half of a reply, cut mid-token, then two bytes that are not UTF-8 (0xFF 0xFE) and `}}`. */
export function malformedBody(input: Readonly<Record<string, unknown>>, answer: TopkAnswer): Uint8Array {
  const text = Buffer.from(JSON.stringify({ ...input, topk: answer.topk, floor: answer.floor }), 'utf8');
  const cut = text.subarray(0, Math.max(1, Math.floor(text.length / 2)));
  return Buffer.concat([cut, Buffer.from([0xff, 0xfe]), Buffer.from('}}', 'utf8')]);
}

/** The chunk an oversized body repeats: pairs `[1,0.001],` filling about 64 KiB. */
const PAIR = '[1,0.001],';
const CHUNK = Buffer.from(PAIR.repeat(Math.floor(65536 / PAIR.length)), 'utf8');
const HEAD = Buffer.from('{"topk":[', 'utf8');
const TAIL = Buffer.from('[0,0.001]],"floor":0.0}', 'utf8');

function chunksFor(bytes: number): number {
  return Math.max(1, Math.ceil((bytes - HEAD.length - TAIL.length + 1) / CHUNK.length));
}

/**
 * A JSON reply of more than `bytes` bytes, produced lazily: one 64 KiB chunk repeated, so the miner holds 64 KiB
 * however large the body. Each iteration produces the whole body again. Were it read whole, it would still be
 * garbage (far more pairs than k, token 1 listed again and again).
 */
export function oversizedBody(bytes: number): Iterable<Uint8Array> {
  const chunks = chunksFor(bytes);
  return {
    *[Symbol.iterator](): Generator<Uint8Array> {
      yield HEAD;
      for (let i = 0; i < chunks; i++) yield CHUNK;
      yield TAIL;
    },
  };
}

/** The byte length of oversizedBody(bytes) (without producing it). */
export function oversizedLength(bytes: number): number {
  return HEAD.length + chunksFor(bytes) * CHUNK.length + TAIL.length;
}
