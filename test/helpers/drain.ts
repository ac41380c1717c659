/** Reading everything a socket has queued. */
import type { NetlinkSocket, RecvResult } from '../../sim/socket-api.js';
import { decodeMessages } from '../../sim/wire/messages.js';

/** drain receives datagrams until EAGAIN and returns them. Other errors propagate. */
export function drain(sock: NetlinkSocket, bufferSize = 32768): RecvResult[] {
  const out: RecvResult[] = [];
  for (;;) {
    try {
      out.push(sock.recvmsg({ bufferSize }));
    } catch (e) {
      if ((e as { code?: string }).code === 'EAGAIN') return out;
      throw e;
    }
  }
}

/** drainMessages receives everything queued and splits the datagrams into messages. */
export function drainMessages(sock: NetlinkSocket, bufferSize = 32768) {
  return drain(sock, bufferSize).flatMap((r) => decodeMessages(r.data));
}

/** hex renders bytes as lowercase hex without separators. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
