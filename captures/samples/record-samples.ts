/**
 * Regenerates the sample captures in this folder by running each scenario against the real
 * kernel, in a fresh network namespace (NativeNamespace: only `lo`, down), through
 * recordSocket(): the machine has no nlmon device, so what one socket sends and receives is
 * written as nlmon would have written it. Needs root and the native binding:
 *
 *   node --import tsx captures/samples/record-samples.ts [outDir]
 *
 * The same scenarios run on any SocketFactory, so tests can also record them on the simulator.
 */
import { fileURLToPath } from 'node:url';
import { AttrWriter } from '../../sim/wire/attr-writer.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { walkMessages } from '../../sim/wire/messages.js';
import type { NetlinkSocket, SocketFactory } from '../../sim/socket-api.js';
import { NETLINK_EXT_ACK, NETLINK_GENERIC, NETLINK_ROUTE, NLM_F_ACK, NLM_F_DUMP, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, SOCK_RAW, SOL_NETLINK } from '../../sim/uapi/netlink.js';
import { CTRL_ATTR, CTRL_CMD, GENL_ID_CTRL } from '../../protocols/generic/uapi.js';
import { RTM_GETLINK } from '../../protocols/route/core/uapi.js';
import { type Clock, CaptureRecorder, recordSocket, wallClock } from '../record.js';

/** Sample is one scenario: a file name, what it shows, and the exchange. */
export interface Sample {
  file: string;
  description: string;
  protocol: number;
  run(sock: NetlinkSocket): Promise<void>;
}

/** genlRequest builds an nlctrl request: genlmsghdr (cmd, version 1) and attributes. */
function genlRequest(flags: number, seq: number, cmd: number, attrs: (w: AttrWriter) => void): Uint8Array {
  const w = new AttrWriter();
  w.raw(new Uint8Array([cmd, 1, 0, 0]));
  attrs(w);
  return encodeMessage({ type: GENL_ID_CTRL, flags, seq, pid: 0 }, w.finish());
}

/**
 * exchange sends `request` and receives until the answer is complete: one datagram for a plain
 * request, through NLMSG_DONE for a dump, through the ACK or error when one was asked for.
 */
async function exchange(sock: NetlinkSocket, request: Uint8Array, until: 'reply' | 'done' | 'ack'): Promise<void> {
  sock.sendto(request, { pid: 0, groups: 0 });
  for (;;) {
    const { data } = await sock.receive({ bufferSize: 65536 });
    let finished = until === 'reply';
    for (const m of walkMessages(data)) {
      if (m.header.type === NLMSG_ERROR || (m.header.type === NLMSG_DONE && until === 'done')) finished = true;
      if (until === 'done' && !(m.header.flags & NLM_F_MULTI)) finished = true;
    }
    if (finished) return;
  }
}

/** SAMPLES are the committed scenarios, in the order README.md lists them. */
export const SAMPLES: Sample[] = [
  {
    file: 'nlctrl-getfamily.pcap',
    description: 'CTRL_CMD_GETFAMILY for "nlctrl" by name → CTRL_CMD_NEWFAMILY (ops, groups, policies)',
    protocol: NETLINK_GENERIC,
    run: (s) => exchange(s, genlRequest(NLM_F_REQUEST, 1, CTRL_CMD.CTRL_CMD_GETFAMILY, (w) => w.string(CTRL_ATTR.CTRL_ATTR_FAMILY_NAME, 'nlctrl')), 'reply'),
  },
  {
    file: 'nlctrl-getfamily-dump.pcap',
    description: 'CTRL_CMD_GETFAMILY dump → one NEWFAMILY per family visible in the namespace, NLMSG_DONE',
    protocol: NETLINK_GENERIC,
    run: (s) => exchange(s, genlRequest(NLM_F_REQUEST | NLM_F_DUMP, 1, CTRL_CMD.CTRL_CMD_GETFAMILY, () => {}), 'done'),
  },
  {
    file: 'nlctrl-extack-error.pcap',
    description: 'NETLINK_EXT_ACK on; GETFAMILY with a 1-byte CTRL_ATTR_FAMILY_ID (policy NLA_U16) → NLMSG_ERROR ERANGE with message, offset and policy TLVs',
    protocol: NETLINK_GENERIC,
    run: async (s) => {
      s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
      await exchange(s, genlRequest(NLM_F_REQUEST | NLM_F_ACK, 1, CTRL_CMD.CTRL_CMD_GETFAMILY, (w) => w.u8(CTRL_ATTR.CTRL_ATTR_FAMILY_ID, 0x10)), 'ack');
    },
  },
  {
    file: 'route-getlink-dump.pcap',
    description: 'RTM_GETLINK dump with a zeroed ifinfomsg in a fresh namespace → RTM_NEWLINK for lo (down), NLMSG_DONE',
    protocol: NETLINK_ROUTE,
    run: (s) => exchange(s, encodeMessage({ type: RTM_GETLINK, flags: NLM_F_REQUEST | NLM_F_DUMP, seq: 1, pid: 0 }, new Uint8Array(16)), 'done'),
  },
];

/** recordSample runs one scenario on a fresh socket from `factory` and returns the recorder. */
export async function recordSample(factory: SocketFactory, sample: Sample, clock: Clock = wallClock()): Promise<CaptureRecorder> {
  const recorder = new CaptureRecorder({ clock });
  const sock = recordSocket(factory.socket(SOCK_RAW, sample.protocol), recorder);
  try {
    sock.bind({ pid: 0, groups: 0 });
    await sample.run(sock);
  } finally {
    sock.close();
  }
  return recorder;
}

/** main records every sample against the real kernel into `outDir`. */
async function main(outDir: string): Promise<void> {
  const { NativeNamespace } = await import('../../native/index.js');
  for (const sample of SAMPLES) {
    // One fresh namespace per sample, so none sees another's sockets or state.
    const ns = NativeNamespace.create();
    try {
      const recorder = await recordSample(ns, sample);
      await recorder.write(`${outDir}/${sample.file}`);
      console.log(`${sample.file}: ${recorder.size} datagrams`);
    } finally {
      ns.close();
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv[2] ?? fileURLToPath(new URL('.', import.meta.url)));
}
