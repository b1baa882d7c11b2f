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

/**
 * Gives accepting new connections priority over everything else the axon does (issue 15, "done means" 3: a 404 within
 * 100 ms while 1,000 connections flood in).
 *
 * Why. libuv accepts one connection per pass of the event loop (node 20), and the kernel's accept queue is first come
 * first served. A caller whose connection arrives behind a burst of N waits for N passes before its connection is even
 * accepted, so the time a pass takes while connections are pending is what that caller waits for, N times over. A
 * pass that only accepts takes a few tens of µs; one that also reads, parses and refuses the connections accepted
 * before takes several times that (163 ms for a burst of 1,000 on a quiet run of this machine, 322 ms when the requests
 * were signed and each turn verified a signature). So while connections are being accepted, the header-check turns
 * (fairness.ts) yield their pass; they resume as soon as a pass accepts nothing, or after `maxYields` passes in a row,
 * so that a flood that never stops cannot starve them. A 404 needs no turn, so it is answered as soon as its
 * connection is accepted and read.
 */
export class AcceptPriority {
  private accepts = 0;

  /** @param maxYields passes in a row one piece of work may give up to accepting */
  constructor(private readonly maxYields: number) {}

  /** Counts an accepted connection (call from the server's 'connection' event). */
  noteAccept(): void {
    this.accepts++;
  }

  /** Connections accepted since the start. */
  get accepted(): number {
    return this.accepts;
  }

  /**
   * A yield check for one piece of work that runs once per pass: it answers true (give up this pass) when a connection
   * was accepted since its previous call, unless it already gave up `maxYields` passes in a row.
   */
  yielder(): () => boolean {
    let seen = this.accepts;
    let streak = 0;
    return () => {
      const busy = this.accepts !== seen;
      seen = this.accepts;
      if (busy && streak < this.maxYields) {
        streak++;
        return true;
      }
      streak = 0;
      return false;
    };
  }
}
