/** Test-only fault injection: named crash points (see crash-point.ts). */
export { CRASH_AT_ENV, crashPoint } from './crash-point.js';
