import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server for transport tests; it counts TCP connections and destroys open sockets on close. */
export interface TestServer {
  readonly port: number;
  readonly url: string;
  connections: number;
  close(): Promise<void>;
}

/** Listens on a free loopback port, counting connections; close() destroys the open sockets, then closes. */
async function serve(server: Server | NetServer): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const s = {
    port: 0, url: '', connections: 0,
    close: async (): Promise<void> => {
      for (const k of sockets) k.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (sock: Socket) => {
    s.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.port = (server.address() as AddressInfo).port;
  s.url = `http://127.0.0.1:${s.port}`;
  return s;
}

/** Starts a node:http server with the given handler (the request body is read first). */
export async function httpServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  return serve(createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  }));
}

/** Starts a raw TCP server: `onData` sees each request's first bytes and writes whatever it likes. */
export async function rawServer(onData: (socket: Socket, data: Buffer) => void): Promise<TestServer> {
  return serve(createNetServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', (d: Buffer) => onData(socket, d));
  }));
}

/** A port on loopback that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
