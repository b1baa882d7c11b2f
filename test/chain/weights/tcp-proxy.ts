import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a devnet, for fault tests: `pause()` stops forwarding in both directions (a node that stops
 * answering; bytes are held, not lost), `pauseAnswers()` holds only what the node sends (requests still reach it),
 * `resume()` delivers what was held, `cut()` drops every open connection.
 */
export interface TcpProxy {
  url: string;
  pause(): void;
  pauseAnswers(): void;
  resume(): void;
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let paused = false;
  let answersPaused = false;
  const pairs = new Set<{ a: Socket; b: Socket; held: Array<[Socket, Buffer]> }>();
  const server = createServer((a) => {
    const b = connect(targetPort, '127.0.0.1');
    const pair = { a, b, held: [] as Array<[Socket, Buffer]> };
    pairs.add(pair);
    const pipe = (from: Socket, to: Socket): void => {
      from.on('data', (d: Buffer) => {
        if (paused || (answersPaused && from === b)) pair.held.push([to, d]);
        else to.write(d);
      });
    };
    pipe(a, b);
    pipe(b, a);
    const end = (): void => {
      a.destroy();
      b.destroy();
      pairs.delete(pair);
    };
    a.on('error', end).on('close', end);
    b.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    pause: () => { paused = true; },
    pauseAnswers: () => { answersPaused = true; },
    resume: () => {
      paused = false;
      answersPaused = false;
      for (const p of pairs) for (const [to, d] of p.held.splice(0)) if (!to.destroyed) to.write(d);
    },
    cut: () => {
      for (const p of pairs) {
        p.a.destroy();
        p.b.destroy();
      }
      pairs.clear();
    },
    close: async () => {
      for (const p of pairs) {
        p.a.destroy();
        p.b.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
