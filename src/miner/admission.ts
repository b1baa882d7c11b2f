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
 * before takes several times that (about 160 µs on this machine, 163 ms for a burst of 1,000). So while connections
 * are being accepted, the other work of the axon (admitting connections to the parser, the header-check turns) yields
 * its pass; it resumes as soon as a pass accepts nothing, or after `maxYields` passes in a row, so that a flood that
 * never stops cannot starve it.
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

/**
 * Admits accepted connections to the HTTP parser a few per pass of the event loop, newest first under overload
 * (issue 15, "done means" 3: a 404 within 100 ms while 1,000 connections flood in).
 *
 * Why. The server pauses each connection as it is accepted (`pauseOnConnect`: nothing is read, the bytes stay in the
 * kernel), so that accepting a burst costs little per pass (AcceptPriority). This queue then resumes them, at most
 * `perPass` per pass, which also bounds how long one pass of reading and parsing takes. Order: when no more than
 * `perPass` wait, all are admitted (the order does not matter); when more wait, the server is overloaded, and the
 * newest are admitted first. This is adaptive LIFO, as large RPC servers use it: after a burst, the connection that
 * arrived last is the one whose caller is still waiting, while the oldest of a flood are the likeliest to be part of
 * it. A connection left waiting is still bounded by node's header timeout, which counts from the accept (408).
 */
export class ConnectionAdmission {
  private readonly waiting: Socket[] = [];
  private scheduled = false;
  private admittedTotal = 0;

  /**
   * @param perPass connections resumed per pass of the event loop
   * @param yieldPass true when this pass should be given up to accepting (AcceptPriority.yielder); never by default
   * @param defer schedules the next pass (setImmediate, which runs after the loop's network phase); injectable
   */
  constructor(
    private readonly perPass: number,
    private readonly yieldPass: () => boolean = () => false,
    private readonly defer: (f: () => void) => void = (f) => { setImmediate(f); },
  ) {}

  /**
   * Pauses every connection `server` accepts from now on and admits it through this queue; the accepts are counted
   * by `priority`, if given. Attach it after the server's other 'connection' listeners (a connection they close is
   * not queued).
   */
  attach(server: Server, priority?: AcceptPriority): void {
    // http.Server does not pass pauseOnConnect through to net.Server, but net reads the property at each accept.
    (server as Server & { pauseOnConnect: boolean }).pauseOnConnect = true;
    server.on('connection', (socket: Socket) => {
      priority?.noteAccept();
      this.offer(socket);
    });
  }

  /** Queues an accepted, paused connection (one already closed is dropped). */
  offer(socket: Socket): void {
    if (socket.destroyed) return;
    this.waiting.push(socket);
    if (!this.scheduled) {
      this.scheduled = true;
      this.defer(() => this.pass());
    }
  }

  /** Connections accepted and not yet admitted. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Connections admitted since the start. */
  get admitted(): number {
    return this.admittedTotal;
  }

  private pass(): void {
    this.scheduled = false;
    if (this.yieldPass()) {
      this.scheduled = true;
      this.defer(() => this.pass());
      return;
    }
    // Under overload (more waiting than one pass admits) the newest go first; otherwise all of them go now.
    const batch = this.waiting.length <= this.perPass ? this.waiting.splice(0) : this.waiting.splice(-this.perPass);
    for (const s of batch) {
      if (s.destroyed) continue;
      this.admittedTotal++;
      s.resume();
    }
    // Connections closed while they waited (a header timeout, the client leaving) are dropped as they are met; a long
    // queue is swept so that it never holds more than the server's connection cap of dead sockets.
    if (this.waiting.length > 0) {
      if (this.waiting.length > 4 * this.perPass) this.sweep();
      this.scheduled = true;
      this.defer(() => this.pass());
    }
  }

  private sweep(): void {
    let j = 0;
    for (let i = 0; i < this.waiting.length; i++) if (!this.waiting[i]!.destroyed) this.waiting[j++] = this.waiting[i]!;
    this.waiting.length = j;
  }
}
