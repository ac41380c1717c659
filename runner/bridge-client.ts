/**
 * A one-request client of a bridge server, for tools that are not programs under the shim
 * (`nlsim uevent`): connect, send one request frame, read its reply, hang up.
 */
import net from 'node:net';
import { NlsimError } from '../sim/errors.js';
import { type BridgeReply, type BridgeRequest, decodeReply, encodeRequest, FrameReader, REPLY_HEADER_LEN } from './bridge-protocol.js';

/**
 * bridgeRequest sends `request` to the server at `socketPath` and resolves to its reply.
 * Rejects with NlsimError (ERR_NLSIM_INVALID_ARGUMENT) when no server answers there, or when
 * it hangs up or answers something unreadable.
 */
export function bridgeRequest(socketPath: string, request: BridgeRequest): Promise<BridgeReply> {
  return new Promise((resolve, reject) => {
    const conn = net.connect(socketPath);
    const reader = new FrameReader(REPLY_HEADER_LEN);
    let settled = false;
    const settle = (outcome: BridgeReply | Error) => {
      if (settled) return;
      settled = true;
      conn.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    conn.once('connect', () => conn.write(encodeRequest(request)));
    conn.on('data', (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (frames === 'invalid') settle(new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${socketPath}: the server answered an unreadable frame`));
      else if (frames.length) settle(decodeReply(frames[0]!));
    });
    conn.once('error', (e: NodeJS.ErrnoException) =>
      settle(new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `no nlsim server answers at ${socketPath} (${e.code ?? e.message})`)),
    );
    conn.once('close', () => settle(new NlsimError('ERR_NLSIM_INVALID_ARGUMENT', `${socketPath}: the server hung up without answering`)));
  });
}
