import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/*
 * What the axon admits before any request is authenticated (issue 15, finding 1): a flood of connections that each
 * announce a large body and stall took the SDK-like axon from 75 MB to 1.1 GB. Three bounds hold instead:
 * - connections: node's maxConnections closes the ones past the total; a per-address cap (optional) closes the ones
 *   past it from one IP, so one host cannot take every slot;
 * - bytes: every body being read holds a reservation in one ByteBudget, so the bodies in memory never add up to more
 *   than the budget whatever the number of connections;
 * - time: node's header and request timeouts (set by the axon) cut stalled clients, which frees both.
 */

/** A shared budget of bytes; reservations are all-or-nothing and released exactly once. */
export class ByteBudget {
  private used = 0;

  constructor(private readonly capacity: number) {}

  /** Reserves `bytes`; a release function, or null when the budget cannot hold them now. */
  reserve(bytes: number): (() => void) | null {
    if (bytes > this.capacity - this.used) return null;
    this.used += bytes;
    let held = bytes;
    return () => {
      this.used -= held;
      held = 0;
    };
  }

  /** Bytes reserved now. */
  get inUse(): number {
    return this.used;
  }
}

/** Counts connections per remote address and closes those past `perIp` (null: no cap). */
export function capConnectionsPerIp(server: Server, perIp: number | null): void {
  if (perIp === null) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? '';
    const n = (open.get(ip) ?? 0) + 1;
    if (n > perIp) {
      socket.destroy();
      return;
    }
    open.set(ip, n);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left === 0) open.delete(ip);
      else open.set(ip, left);
    });
  });
}
