import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DUMMY_SPEC, parseResponse } from '../../src/protocol/index.js';

const JSON_CT = { 'content-type': 'application/json' };
// A 200 body as an SDK axon sends it (json of the full synapse; the values below are arbitrary but well-typed).
const okBody = '{"name": "Dummy", "timeout": 12.0, "total_size": 0, "header_size": 0, "dendrite": {"status_code": null, '
  + '"status_message": null, "process_time": null, "ip": "10.0.0.1", "port": null, "version": 10002000, "nonce": 1732540000123456789, '
  + '"uuid": "u", "hotkey": "h", "signature": null}, "axon": {"status_code": 200, "status_message": "Success", "process_time": 0.5, '
  + '"ip": null, "port": null, "version": null, "nonce": null, "uuid": null, "hotkey": null, "signature": null}, '
  + '"computed_body_hash": "", "dummy_input": 4, "dummy_output": 8}';

describe('parseResponse (§1.7)', () => {
  it('200: the fields of the body; status, message and process time from the headers over the body', () => {
    const r = parseResponse(DUMMY_SPEC, 200, { ...JSON_CT, bt_header_axon_status_code: '200', bt_header_axon_status_message: 'Success', bt_header_axon_process_time: '0.0123' }, okBody);
    expect(r).toEqual({ status: 200, message: 'Success', axonProcessTime: 0.0123, fields: { dummy_input: 4, dummy_output: 8 } });
  });

  it('header names are case-insensitive', () => {
    // Without lowercasing, the content type would be missing (422) and the header message would not override the body's.
    const r = parseResponse(DUMMY_SPEC, 401, { 'Content-Type': 'application/json', 'BT_HEADER_AXON_STATUS_MESSAGE': 'from header' }, '{"message": "no"}');
    expect(r).toMatchObject({ status: 401, message: 'from header' });
  });

  it('200 without TerminalInfo headers: the body axon values are used', () => {
    const r = parseResponse(DUMMY_SPEC, 200, { 'content-type': 'application/json; charset=utf-8' }, new TextEncoder().encode(okBody));
    expect(r.status).toBe(200);
    expect(r.axonProcessTime).toBe(0.5);
    expect(r.fields).toEqual({ dummy_input: 4, dummy_output: 8 });
  });

  it('an error status: the HTTP status and json["message"], no fields', () => {
    const r = parseResponse(DUMMY_SPEC, 401, { ...JSON_CT, bt_header_axon_status_code: '401' }, '{"message": "Not Verified with error: Missing Nonce"}');
    expect(r).toEqual({ status: 401, message: 'Not Verified with error: Missing Nonce', axonProcessTime: null, fields: null });
    expect(parseResponse(DUMMY_SPEC, 503, JSON_CT, '{}')).toEqual({ status: 503, message: null, axonProcessTime: null, fields: null });
  });

  it.each([
    ['a non-JSON content type', 200, { 'content-type': 'text/html' }, okBody],
    ['no content type', 200, {}, okBody],
    ['invalid JSON', 200, JSON_CT, '{"dummy_input": '],
    ['an empty body (read as None)', 200, JSON_CT, '  '],
    ['a body that is a list', 200, JSON_CT, '[1]'],
    ['a 200 body without the required input', 200, JSON_CT, '{"dummy_output": 8}'],
    ['a 200 body with a wrongly typed output', 200, JSON_CT, '{"dummy_input": 4, "dummy_output": "eight"}'],
    ['an error body that is not a dict', 500, JSON_CT, '"oops"'],
    ['a header TerminalInfo value that does not cast', 200, { ...JSON_CT, bt_header_axon_port: 'abc' }, okBody],
    ['invalid UTF-8', 200, JSON_CT, new Uint8Array([0x7b, 0xff, 0x7d])],
  ] as const)('422 "Failed to parse response" for %s', (_what, status, headers, body) => {
    const r = parseResponse(DUMMY_SPEC, status, headers, body);
    expect(r.status).toBe(422);
    expect(r.message).toMatch(/^Failed to parse response: /);
    expect(r.fields).toBeNull();
  });

  it('never throws, whatever the status, headers and bytes (fuzz)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 100, max: 599 }),
      fc.dictionary(fc.constantFrom('content-type', 'bt_header_axon_status_code', 'bt_header_axon_process_time', 'bt_header_dendrite_nonce', 'x'), fc.string()),
      fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string(), fc.json()),
      (status, headers, body) => {
        const r = parseResponse(DUMMY_SPEC, status, headers, body);
        expect(Number.isInteger(r.status)).toBe(true);
        if (r.fields !== null) expect(status).toBe(200);
      },
    ), { numRuns: 1000 });
  });
});
