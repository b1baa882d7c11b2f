import { describe, expect, it } from 'vitest';
import { classifyError, failureStatus, pythonFloat, redirectStatus, sanitize } from '../../src/dendrite/status.js';

const AT = { ip: '1.2.3.4', port: 8091, name: 'Dummy', timeoutSeconds: 12 };

describe('failureStatus', () => {
  it('gives the SDK status codes and messages (validator-sdk-spec §1.7)', () => {
    expect(failureStatus('refused', AT)).toEqual({ status: 503, message: 'Service unavailable at 1.2.3.4:8091/Dummy' });
    expect(failureStatus('timeout', AT)).toEqual({ status: 408, message: 'Request timeout after 12.0 seconds' });
    expect(failureStatus('timeout', { ...AT, timeoutSeconds: 0.5 }).message).toBe('Request timeout after 0.5 seconds');
    expect(failureStatus('disconnected', AT, 'ECONNRESET')).toEqual({ status: 503, message: 'Service disconnected: ECONNRESET' });
    expect(failureStatus('payload', AT, 'x').status).toBe(400);
    expect(failureStatus('too-large', AT, 'x').status).toBe(400);
    expect(failureStatus('bad-response', AT, 'x').status).toBe(400);
    expect(failureStatus('parse', AT, 'x')).toEqual({ status: 422, message: 'Failed to parse response: x' });
    expect(failureStatus('client', AT, 'x')).toEqual({ status: 500, message: 'Client error: x' });
    expect(failureStatus('worker', AT, 'x').status).toBe(500);
  });

  it('records policy and breaker refusals as 503 and says they were not dialed', () => {
    const p = failureStatus('policy', AT, '"10.0.0.1" is private (10.0.0.0/8)');
    expect(p.status).toBe(503);
    expect(p.message).toMatch(/^Service unavailable at 1\.2\.3\.4:8091\/Dummy: address refused by policy \(.*10\.0\.0\.0\/8\)\); not dialed$/);
    const b = failureStatus('breaker', { ...AT, ip: '2001:db8::1' }, '5 consecutive failures');
    expect(b.message).toMatch(/^Service unavailable at \[2001:db8::1\]:8091\/Dummy: circuit open/);
  });

  it('keeps untrusted detail to one short printable line', () => {
    const m = failureStatus('client', AT, `a\nb\u0000c${'x'.repeat(1000)}`).message;
    expect(m.includes('\n') || m.includes('\u0000')).toBe(false);
    expect(m.length).toBeLessThan(260);
    expect(sanitize('ok')).toBe('ok');
    expect(redirectStatus(302, 'http://evil/\r\nx')).toEqual({ status: 302, message: 'Redirect not followed (HTTP 302, Location "http://evil/??x")' });
    expect(redirectStatus(301, undefined).message).toBe('Redirect not followed (HTTP 301, no Location)');
  });
});

describe('pythonFloat', () => {
  it('prints as Python str(float)', () => {
    for (const [x, s] of [[12, '12.0'], [0, '0.0'], [0.5, '0.5'], [1.25, '1.25'], [100, '100.0'], [1e-7, '1e-07']] as const) expect(pythonFloat(x)).toBe(s);
  });
});

describe('classifyError', () => {
  const e = (code: string): Error => Object.assign(new Error(code), { code });
  it('maps transport error codes by phase', () => {
    expect(classifyError(e('ECONNREFUSED'), 'connect')).toBe('refused');
    expect(classifyError(e('EHOSTUNREACH'), 'connect')).toBe('refused');
    expect(classifyError(e('ECONNRESET'), 'connect')).toBe('disconnected');
    expect(classifyError(e('UND_ERR_SOCKET'), 'connect')).toBe('disconnected');
    expect(classifyError(e('UND_ERR_SOCKET'), 'body')).toBe('payload');
    expect(classifyError(e('UND_ERR_CONNECT_TIMEOUT'), 'connect')).toBe('timeout');
    expect(classifyError(e('UND_ERR_BODY_TIMEOUT'), 'body')).toBe('timeout');
    expect(classifyError(e('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), 'body')).toBe('payload');
    expect(classifyError(e('UND_ERR_HEADERS_OVERFLOW'), 'connect')).toBe('too-large');
    expect(classifyError(Object.assign(new Error('bad'), { name: 'HTTPParserError' }), 'connect')).toBe('bad-response');
    expect(classifyError(Object.assign(new Error('bad'), { name: 'HTTPParserError' }), 'body')).toBe('payload');
    expect(classifyError(new AggregateError([e('ECONNREFUSED'), e('ENETUNREACH')]), 'connect')).toBe('refused');
    expect(classifyError(new Error('?'), 'connect')).toBe('client');
    expect(classifyError(null, 'connect')).toBe('client');
    expect(classifyError('text', 'body')).toBe('client');
  });
});
