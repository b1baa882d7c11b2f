import type { Socket } from 'node:net';

/*
 * The bytes the server holds for its clients, over all connections: replies written but not yet taken by the kernel
 * (each TCP socket's writableLength: a WebSocket's queue and an HTTP reply alike) and HTTP request bodies being
 * received. A client that does not read, or that sends a body slowly, makes the server hold memory for it; one such
 * client is bounded per connection, and this bounds them together (issue 15: ten non-reading clients reached 3.19 GB,
 * and 100 unfinished POSTs 2.13 GB). It also tracks the open connections, which the server caps.
 */

/** How to close a connection that holds too much; it may take a moment (a close frame) but stops growing at once. */
export type DropConnection = (reason: string) => void;

/** The open TCP connections and the bytes held for them. */
export class ByteBudget {
  private readonly open = new Map<Socket, DropConnection>();
  private readonly dropped = new WeakSet<Socket>();
  private bodies = 0;

  constructor(
    /** The most bytes held at once (RpcServerOptions.maxTotalBufferedBytes). */
    readonly limit: number,
  ) {}

  /** Open connections. */
  get size(): number {
    return this.open.size;
  }

  /** Tracks a new connection, closed by `drop` when it holds the most and room is needed; untracked on 'close'. */
  add(socket: Socket, drop: DropConnection): void {
    this.open.set(socket, drop);
    socket.once('close', () => this.open.delete(socket));
  }

  /** Changes how a connection is closed (an HTTP socket upgraded to a WebSocket). */
  setDrop(socket: Socket, drop: DropConnection): void {
    if (this.open.has(socket)) this.open.set(socket, drop);
  }

  /** Bytes held now (a connection being closed counts as freed). */
  total(): number {
    let sum = this.bodies;
    for (const socket of this.open.keys()) if (!this.dropped.has(socket)) sum += socket.writableLength;
    return sum;
  }

  /**
   * Makes room for `bytes` about to be written to `self`: while the total would pass the limit, the connection holding
   * the most unsent bytes (counting these on `self`) is closed. Answers false when that is `self`: do not write, and
   * close it. A closed connection counts as freed; its memory is released when its socket closes, moments later.
   */
  makeRoom(bytes: number, self: Socket): boolean {
    let total = this.total() + bytes;
    while (total > this.limit) {
      let victim: Socket | null = null;
      let most = -1;
      for (const socket of this.open.keys()) {
        if (this.dropped.has(socket)) continue;
        const held = socket.writableLength + (socket === self ? bytes : 0);
        if (held > most) {
          most = held;
          victim = socket;
        }
      }
      if (victim === null || victim === self) return false;
      const held = victim.writableLength;
      this.drop(victim, `closed a client that does not read its replies: the server held ${total - bytes} unsent bytes over all connections (limit ${this.limit}), this one the most`);
      total -= held;
    }
    return true;
  }

  /** Closes `socket` through its drop function, once. */
  drop(socket: Socket, reason: string): void {
    if (this.dropped.has(socket)) return;
    this.dropped.add(socket);
    this.open.get(socket)?.(reason);
  }

  /** Reserves `bytes` of a request body being received; false (nothing reserved) when they do not fit. */
  takeBody(bytes: number): boolean {
    if (this.total() + bytes > this.limit) return false;
    this.bodies += bytes;
    return true;
  }

  /** Releases body bytes reserved with takeBody. */
  releaseBody(bytes: number): void {
    this.bodies -= bytes;
  }
}
