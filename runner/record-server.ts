/**
 * RecordServer: the recorder of `nlsim record`. Programs run with the shim in record mode
 * (NLSIM_RECORD=1) make their netlink calls on the real kernel and report each datagram here
 * (BRIDGE_OP_RECORD), one frame per datagram, each answered once kept, so that a process
 * that exits has had all of its datagrams recorded. Any other request is EPROTO.
 */
import net from 'node:net';
import { errnoNumber } from '../sim/uapi/errno.js';
import { BRIDGE_OP, decodeRecordBody, decodeRequest, encodeReply, FrameReader, type RecordedDatagram, REQUEST_HEADER_LEN } from './bridge-protocol.js';

const EMPTY = new Uint8Array(0);

/** RecordServer collects the datagrams programs report. Create it with RecordServer.listen(). */
export class RecordServer {
  /** The socket path (what NLSIM_SOCKET must name). */
  readonly path: string;
  readonly #server: net.Server;
  readonly #connections = new Set<net.Socket>();
  readonly #datagrams: RecordedDatagram[] = [];

  private constructor(path: string) {
    this.path = path;
    this.#server = net.createServer((conn) => this.#accept(conn));
  }

  /** listen starts a recorder on `path` (which must not exist) and resolves once it accepts. */
  static listen(path: string): Promise<RecordServer> {
    const server = new RecordServer(path);
    return new Promise((resolve, reject) => {
      server.#server.once('error', reject);
      server.#server.listen(path, () => {
        server.#server.off('error', reject);
        resolve(server);
      });
    });
  }

  /**
   * datagrams returns what was reported, in the order the datagrams crossed (their
   * timestamps; reports of one instant keep their arrival order).
   */
  datagrams(): RecordedDatagram[] {
    const byTime = (a: RecordedDatagram, b: RecordedDatagram) => a.seconds - b.seconds || a.nanoseconds - b.nanoseconds;
    return [...this.#datagrams].sort(byTime);
  }

  /** close stops accepting and drops every connection. */
  close(): Promise<void> {
    for (const conn of this.#connections) conn.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(conn: net.Socket): void {
    this.#connections.add(conn);
    conn.on('close', () => this.#connections.delete(conn));
    conn.on('error', () => {});
    const reader = new FrameReader(REQUEST_HEADER_LEN);
    conn.on('data', (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (frames === 'invalid') {
        conn.end(encodeReply({ result: -errnoNumber('EPROTO'), drain: 0, body: EMPTY }));
        conn.removeAllListeners('data');
        return;
      }
      for (const frame of frames) {
        const req = decodeRequest(frame);
        // A copy: the frame's buffer is reused by the reader.
        const datagram = req.op === BRIDGE_OP.RECORD ? decodeRecordBody(req.body.slice()) : undefined;
        if (datagram) this.#datagrams.push(datagram);
        conn.write(encodeReply({ result: datagram ? 0 : -errnoNumber('EPROTO'), drain: 0, body: EMPTY }));
      }
    });
  }
}
