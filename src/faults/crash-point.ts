/*
 * TEST-ONLY crash points. The crash-safety suite (test/service/crash-points.test.ts) must kill the real
 * `yumaval validator` process at exact places (mid-persist, between signing and sending, ...), which no timer can hit
 * reliably on a loaded machine. So the code names those places with `crashPoint(name)`, and when the environment
 * variable YUMAVAL_TEST_CRASH_AT is `name:n` the process sends itself SIGKILL at the n-th time (1-based) it reaches
 * `name`: no handler, no flush, no `finally` runs, exactly as with an outside `kill -9`.
 *
 * Without the variable (every real run) a crash point is one comparison with `null`. The variable is read once, at
 * the first call. It is not a configuration key and must never be set in production.
 */

/** The variable that arms a crash point (test-only). */
export const CRASH_AT_ENV = 'YUMAVAL_TEST_CRASH_AT';

let armed: { name: string; left: number } | null | undefined;

function arm(): { name: string; left: number } | null {
  const v = process.env[CRASH_AT_ENV];
  const m = v === undefined ? null : /^([a-z0-9_.-]+):([1-9][0-9]*)$/i.exec(v);
  return m === null ? null : { name: m[1] as string, left: Number(m[2]) };
}

/**
 * Marks a place where the crash suite may kill the process. TEST-ONLY: does nothing unless YUMAVAL_TEST_CRASH_AT
 * names this point; then, at its n-th pass, the process SIGKILLs itself and never returns from here.
 */
export function crashPoint(name: string): void {
  if (armed === undefined) armed = arm();
  if (armed === null || armed.name !== name) return;
  if (--armed.left > 0) return;
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered before the process runs on; block in case it takes a moment, so nothing after it runs.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1_000);
}
