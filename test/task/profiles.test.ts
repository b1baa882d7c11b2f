import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors/index.js';
import {
  createNextTokenTask, oversizedLength, PROFILE_NAMES, profileHandler, UnknownProfileError, WRONG_SHAPE_COUNT,
  type ProfileAction, type TopkAnswer,
} from '../../src/task/index.js';

// What each profile does with a request, checked against the models of docs/task.md computed here independently.

const task = createNextTokenTask();
const queries = task.makeQueries(99, 1, 60);
const q0 = queries[0]!;

function fieldsOf(a: ProfileAction): Record<string, unknown> {
  if (a.kind !== 'fields') throw new Error(`expected fields, got ${a.kind}`);
  return a.fields as Record<string, unknown>;
}
function answerOf(a: ProfileAction): TopkAnswer {
  return fieldsOf(a) as unknown as TopkAnswer;
}
/** The answer's probability of each token, renormalised, as the scorer reads it. */
function denseOf(a: TopkAnswer, vocab: number): number[] {
  const out = new Array<number>(vocab).fill(a.floor);
  for (const [t, p] of a.topk) out[t] = p;
  const total = out.reduce((x, y) => x + y, 0);
  return out.map((x) => x / total);
}
function hellinger(p: number[], q: number[]): number {
  return Math.sqrt(p.reduce((a, pi, i) => a + (Math.sqrt(pi) - Math.sqrt(q[i] as number)) ** 2, 0) / 2);
}

describe('profile names', () => {
  it('are exactly the twelve of issue 8', () => {
    expect([...PROFILE_NAMES]).toEqual(['oracle-0.9', 'oracle-0.6', 'oracle-0.3', 'noise', 'copier', 'sybil', 'slow', 'error500', 'malformed', 'nan', 'oversized', 'wrong-shape']);
    for (const name of PROFILE_NAMES) expect(typeof profileHandler(name)).toBe('function');
  });

  it('refuses an unknown name with the list of valid ones', () => {
    let error: unknown;
    try {
      profileHandler('oracle-1.0');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownProfileError);
    expect((error as UnknownProfileError).code).toBe('ERR_UNKNOWN_PROFILE');
    for (const name of PROFILE_NAMES) expect((error as Error).message).toContain(name);
  });

  it('refuses bad options by name', () => {
    expect(() => profileHandler('copier', { copyOf: 'copier' as never })).toThrow(InvalidOptionError);
    expect(() => profileHandler('sybil', { member: -1 })).toThrow(/member/);
    expect(() => profileHandler('sybil', { sybilBase: 'noise' as never })).toThrow(/sybilBase/);
    expect(() => profileHandler('slow', { delayMs: 1.5 })).toThrow(/delayMs/);
    expect(() => profileHandler('nan', { nanMode: 'zero' as never })).toThrow(/nanMode/);
    expect(() => profileHandler('noise', { task: { k: 0 } })).toThrow(/k/);
    expect(() => profileHandler('sybil', { members: 2 } as never)).toThrow(/option members: is not a profile option \(expected one of task, seed, copyOf, member, /);
    expect(() => profileHandler('noise', { task: { source: { vocab: 1 } } })).toThrow(/source\.vocab/);
  });
});

describe('answering profiles', () => {
  it('oracle-f answers f·P + (1 − f)·uniform, exactly, as top-k with a floor', () => {
    for (const f of [0.9, 0.6, 0.3]) {
      const handler = profileHandler(`oracle-${f}`);
      for (const q of queries.slice(0, 10)) {
        const a = answerOf(handler(q.fields));
        expect(task.responseSchema.parse(a, q).ok).toBe(true);
        expect(a.topk).toHaveLength(task.k);
        const p = task.source.dense(task.source.stateOf(q.fields.context));
        const expected = Array.from(p, (x) => f * x + (1 - f) / task.vocab);
        denseOf(a, task.vocab).forEach((x, t) => expect(x).toBeCloseTo(expected[t] as number, 12));
      }
    }
  });

  it('noise knows nothing of the source: its answers are valid and far from the rows', () => {
    const noise = profileHandler('noise', { seed: 4 });
    let far = 0;
    for (const q of queries) {
      const a = answerOf(noise(q.fields));
      expect(task.responseSchema.parse(a, q).ok).toBe(true);
      const p = Array.from(task.source.dense(task.source.stateOf(q.fields.context)));
      if (hellinger(denseOf(a, task.vocab), p) > 0.4) far++;
    }
    expect(far).toBe(queries.length);
    // The same request gets the same answer; another seed another one.
    expect(noise(q0.fields)).toEqual(noise(q0.fields));
    expect(profileHandler('noise', { seed: 5 })(q0.fields)).not.toEqual(noise(q0.fields));
  });

  it('copier returns exactly the answer of the profile it copies (same seed and member)', () => {
    for (const copyOf of ['oracle-0.9', 'noise', 'sybil'] as const) {
      const copier = profileHandler('copier', { copyOf, seed: 3, member: 2 });
      const target = profileHandler(copyOf, { seed: 3, member: 2 });
      for (const q of queries.slice(0, 5)) expect(copier(q.fields)).toEqual(target(q.fields));
    }
  });

  it('sybil members are near-duplicates of their base and of each other, but not copies', () => {
    const members = [0, 1, 2].map((member) => profileHandler('sybil', { member, seed: 8 }));
    const base = profileHandler('oracle-0.6');
    for (const q of queries.slice(0, 20)) {
      const answers = members.map((m) => denseOf(answerOf(m(q.fields)), task.vocab));
      const b = denseOf(answerOf(base(q.fields)), task.vocab);
      for (const a of answers) {
        expect(hellinger(a, b)).toBeLessThan(0.06);
        expect(hellinger(a, b)).toBeGreaterThan(1e-4);
      }
      expect(hellinger(answers[0]!, answers[1]!)).toBeGreaterThan(1e-4);
      expect(answers[0]!.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    }
  });

  it('answers a bad request with 400 instead of guessing', () => {
    const oracle = profileHandler('oracle-0.9');
    for (const fields of [null, 'x', {}, { context: [1] }, { context: [1, 64] }, { context: [1, 2], vocab: 32 }, { context: [1, 2], k: 0 }, { context: ['a', 2] }]) {
      const a = oracle(fields);
      expect(a.kind === 'status' && a.status).toBe(400);
    }
    expect(oracle({ context: [1, 2] }).kind).toBe('fields');
  });
});

describe('failing profiles', () => {
  it('slow waits past the deadline (60 s by default) and then answers well', () => {
    const a = profileHandler('slow')(q0.fields);
    expect(a.kind).toBe('delay');
    if (a.kind !== 'delay') return;
    expect(a.ms).toBe(60_000);
    expect(a.then).toEqual(profileHandler('oracle-0.9')(q0.fields));
    expect(profileHandler('slow', { delayMs: 5 })(q0.fields)).toMatchObject({ ms: 5 });
  });

  it('error500 answers status 500', () => {
    expect(profileHandler('error500')(q0.fields)).toEqual({ kind: 'status', status: 500, message: 'Internal Server Error' });
  });

  it('malformed sends bytes that are neither UTF-8 nor JSON', () => {
    const a = profileHandler('malformed')(q0.fields);
    expect(a.kind === 'raw' && a.status).toBe(200);
    if (a.kind !== 'raw') return;
    const bytes = a.body as Uint8Array;
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(() => JSON.parse(Buffer.from(bytes).toString('latin1'))).toThrow();
  });

  it('nan sends the bare token NaN (invalid JSON), or nulls with nanMode null', () => {
    const a = profileHandler('nan')(q0.fields);
    if (a.kind !== 'raw') throw new Error('expected a raw body');
    const text = a.body as string;
    expect(text).toMatch(/"floor":NaN/);
    expect(() => JSON.parse(text)).toThrow();
    // A lenient reader (Python's json.loads reads NaN) gets NaN probabilities: garbage to the schema.
    const lenient = JSON.parse(text.replace(/\bNaN\b/g, '"NaN"'), (_, v) => (v === 'NaN' ? Number.NaN : v)) as unknown;
    expect(task.responseSchema.parse(lenient, q0)).toMatchObject({ ok: false, reason: expect.stringMatching(/NaN/) });
    const nulls = profileHandler('nan', { nanMode: 'null' })(q0.fields);
    expect(task.responseSchema.parse(fieldsOf(nulls), q0)).toMatchObject({ ok: false, reason: expect.stringMatching(/null/) });
  });

  it('oversized produces more than 64 MiB lazily, one chunk reused, and would be garbage if read', () => {
    const a = profileHandler('oversized')(q0.fields);
    if (a.kind !== 'raw') throw new Error('expected a raw body');
    const distinct = new Set<Uint8Array>();
    let bytes = 0;
    for (const chunk of a.body as Iterable<Uint8Array>) {
      distinct.add(chunk);
      bytes += chunk.length;
    }
    expect(bytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(bytes).toBe(oversizedLength(64 * 1024 * 1024));
    expect(distinct.size).toBe(3);
    // A small one is valid JSON, and garbage: far more pairs than k.
    const small = profileHandler('oversized', { oversizedBytes: 2000 })(q0.fields);
    if (small.kind !== 'raw') throw new Error('expected a raw body');
    const text = Buffer.concat([...(small.body as Iterable<Uint8Array>)]).toString('utf8');
    expect(text.length).toBeGreaterThanOrEqual(2000);
    expect(task.responseSchema.parse(JSON.parse(text), q0)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than k/) });
  });

  it('wrong-shape sends 200 replies (valid JSON, the query echoed) the schema always refuses, in every one of its shapes', () => {
    const handler = profileHandler('wrong-shape');
    const reasons = new Set<string>();
    for (const q of task.makeQueries(1, 2, 200)) {
      const a = handler(q.fields);
      if (a.kind !== 'raw') throw new Error('expected a raw body');
      expect(a.status).toBe(200);
      const body = JSON.parse(a.body as string) as Record<string, unknown>;
      expect(body.context).toEqual(q.fields.context);
      const r = task.responseSchema.parse(body, q);
      expect(r.ok).toBe(false);
      if (!r.ok) reasons.add(r.reason.replace(/[0-9.e-]+/g, '#'));
    }
    expect(reasons.size).toBeGreaterThanOrEqual(WRONG_SHAPE_COUNT);
  });
});
