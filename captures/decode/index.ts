/**
 * decodePackets: a whole capture as a tree of packets, messages and attributes, the model
 * behind `nlsim decode` (text like `tshark -V`, or the same tree as JSON). Records are decoded
 * in order with one context, so generic netlink families named by nlctrl replies early in a
 * capture name the messages that follow.
 */
import type { Capture, CaptureTimestamp } from '../capture.js';
import { payloadByteOrders } from '../payload-order.js';
import { HOST_BYTE_ORDER } from '../capture.js';
import { protocolName } from '../../sim/uapi/netlink.js';
import { type DecodeContext, newContext } from './family.js';
import { decodeDatagram } from './message.js';
import type { PacketNode } from './model.js';

export type * from './model.js';
export { type DecodeContext, newContext } from './family.js';
export { decodeDatagram, flagNames } from './message.js';

/** formatTimestamp renders a capture time as ISO 8601 with nanoseconds. */
export function formatTimestamp(t: CaptureTimestamp): string {
  const iso = new Date(t.seconds * 1000).toISOString();
  return `${iso.slice(0, 19)}.${String(t.nanoseconds % 1e9).padStart(9, '0')}Z`;
}

/** decodePackets decodes every record of `capture`. Never throws on bad payload bytes. */
export function decodePackets(capture: Capture, ctx: DecodeContext = newContext()): PacketNode[] {
  const orders = payloadByteOrders(capture);
  return capture.records.map((r, i) => {
    const order = orders[i] ?? HOST_BYTE_ORDER;
    const d = decodeDatagram(r.payload, r.protocol, order === 'LE', ctx);
    const first = d.messages[0];
    const packet: PacketNode = {
      index: r.index,
      time: formatTimestamp(r.timestamp),
      protocol: r.protocol,
      protocolName: protocolName(r.protocol),
      direction: first ? (first.header.flags & 1 ? 'to-kernel' : 'from-kernel') : d.uevent ? 'from-kernel' : 'unknown',
      byteOrder: order,
      length: r.originalLength,
      messages: d.messages,
    };
    if (r.payload.length < r.originalLength) packet.captured = r.payload.length;
    if (d.uevent) packet.uevent = d.uevent;
    if (d.trailingHex) packet.trailingHex = d.trailingHex;
    return packet;
  });
}
