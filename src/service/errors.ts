import { YumavalError } from '../errors/index.js';

/** The exit code of `yumaval validator` when the watchdog gives up (a supervisor should restart the service). */
export const WATCHDOG_EXIT_CODE = 3;

/** The watchdog gave up: no step, no finalized head, or no weights landed for too long. */
export class WatchdogError extends YumavalError {
  constructor(readonly reason: 'stalled-steps' | 'stalled-chain' | 'no-weights', detail: string) {
    super(`watchdog: ${detail}; exiting so that a supervisor restarts the service`, 'ERR_WATCHDOG');
  }
}

/** The validator's hotkey is not registered on the subnet. */
export class NotRegisteredError extends YumavalError {
  constructor(hotkey: string, netuid: number) {
    super(`the hotkey ${hotkey} is not registered on subnet ${netuid}: register it first (btcli subnet register)`, 'ERR_NOT_REGISTERED');
  }
}

/** The metrics listener was asked to bind a non-loopback address without allowing it, or could not listen. */
export class MetricsListenError extends YumavalError {
  constructor(detail: string) {
    super(`metrics listener: ${detail}`, 'ERR_METRICS_LISTEN');
  }
}
