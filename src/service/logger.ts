import { pino, type Logger } from 'pino';

/*
 * The service's logs: pino JSON lines (one object per line, `msg` plus fields), or with `pretty` a short human line per
 * record. Secrets never reach a log record: the service logs the hotkey's address, never the key source's content;
 * `redact` is a second net for fields that could carry one by mistake.
 */

/** Where the lines go. */
export interface LogSink {
  write(line: string): void;
}

/** The field paths pino censors whatever is logged. */
export const REDACTED_PATHS = Object.freeze(['key', 'secret', 'mnemonic', 'seed', 'uri', '*.key', '*.secret', '*.mnemonic', '*.seed', '*.uri', 'taskSeed', '*.taskSeed']);

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'name']);

/** One JSON record as a human line: `HH:MM:SS.mmm LEVEL msg key=value ...`. */
export function prettyLine(json: string): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const t = typeof r['time'] === 'number' ? new Date(r['time']).toISOString().slice(11, 23) : '';
  const fields = Object.entries(r).filter(([k]) => !SKIP.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${t} ${(LEVELS[r['level'] as number] ?? String(r['level'])).padEnd(5)} ${String(r['msg'] ?? '')}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
}

/** Creates the service's logger. */
export function createLogger(options: { format?: 'json' | 'pretty'; sink?: LogSink; level?: string } = {}): Logger {
  const sink = options.sink ?? { write: (line: string) => { process.stderr.write(line); } };
  const stream = options.format === 'pretty' ? { write: (line: string) => sink.write(prettyLine(line.trimEnd())) } : sink;
  return pino({ level: options.level ?? 'info', base: { pid: process.pid }, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }, stream);
}
