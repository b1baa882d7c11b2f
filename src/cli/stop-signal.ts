/**
 * Resolves with the signal's name on the first SIGINT or SIGTERM, so a long-running command can shut down cleanly;
 * a second signal while it is shutting down exits at once (130), as an operator pressing Ctrl-C twice expects.
 */
export function stopSignal(): Promise<string> {
  let stopping = false;
  return new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) process.exit(130);
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
