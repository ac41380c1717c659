/** The generic netlink echo family, driven as a client would: resolve through nlctrl, then call. */
import { expect, it } from 'vitest';
import { ECHO_ATTR, ECHO_CMD, ECHO_FAMILY_NAME, loadGenlEcho } from '../../protocols/examples/genl-echo.js';
import { createKernel } from '../../protocols/index.js';
import { NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK, NETLINK_GENERIC, NLM_F_ACK, NLM_F_REQUEST, SOCK_RAW, SOL_NETLINK } from '../../sim/uapi/netlink.js';
import { AttrReader } from '../../sim/wire/attr-reader.js';
import { AttrWriter } from '../../sim/wire/attr-writer.js';
import { encodeMessage } from '../../sim/wire/header.js';
import { decodeMessages } from '../../sim/wire/messages.js';
import { decodeError } from '../../sim/wire/nlmsgerr.js';
import { userCredentials } from '../../sim/credentials.js';

const genl = (type: number, cmd: number, flags: number, seq: number, attrs: (w: AttrWriter) => void) => {
  const w = new AttrWriter();
  attrs(w);
  const body = w.finish();
  const payload = new Uint8Array(4 + body.length);
  payload[0] = cmd;
  payload[1] = 1;
  payload.set(body, 4);
  return encodeMessage({ type, flags, seq, pid: 0 }, payload);
};

/** attrsOf reads a genl reply's attributes into a map. */
const attrsOf = (payload: Uint8Array) => {
  const out = new Map<number, Uint8Array>();
  const r = new AttrReader(payload, 4);
  while (r.next()) out.set(r.type, r.bytes());
  return out;
};

it('resolves the family and its group through nlctrl, echoes, and announces each echo', () => {
  const kernel = createKernel();
  const family = loadGenlEcho(kernel);
  const s = kernel.socket(SOCK_RAW, NETLINK_GENERIC);
  s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  // CTRL_CMD_GETFAMILY by name
  s.send(genl(0x10, 3, NLM_F_REQUEST, 1, (w) => w.string(2, ECHO_FAMILY_NAME)));
  const [reply] = decodeMessages(s.recvmsg().data);
  const ctrl = attrsOf(reply!.payload);
  const id = new DataView(ctrl.get(1)!.buffer).getUint16(0, true);
  expect(id).toBe(family.id);
  const groups = new AttrReader(ctrl.get(7)!);
  expect(groups.next()).toBe(true);
  const group = groups.nested();
  const grp = new Map<number, Uint8Array>();
  while (group.next()) grp.set(group.type, group.bytes());
  const groupId = new DataView(grp.get(2)!.buffer).getUint32(0, true);
  expect(groupId).toBe(family.mcgrpOffset);

  const listener = kernel.socket(SOCK_RAW, NETLINK_GENERIC, { credentials: userCredentials() });
  // bound: kernel notifications skip port id 0, so an unbound member would get nothing
  listener.bind({ pid: 0, groups: 0 });
  listener.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groupId);

  s.send(genl(id, ECHO_CMD.ECHO_CMD_ECHO, NLM_F_REQUEST | NLM_F_ACK, 2, (w) => w.string(ECHO_ATTR.ECHO_ATTR_MSG, 'hello')));
  const [echo] = decodeMessages(s.recvmsg().data);
  const [ack] = decodeMessages(s.recvmsg().data);
  expect(echo!.header.type).toBe(id);
  expect(echo!.payload[0]).toBe(ECHO_CMD.ECHO_CMD_ECHO);
  const attrs = attrsOf(echo!.payload);
  expect(new TextDecoder().decode(attrs.get(ECHO_ATTR.ECHO_ATTR_MSG)!)).toBe('hello\0');
  expect(decodeError(ack!.payload, ack!.header.flags).error).toBe(0);

  const event = listener.recvmsg();
  expect(event.address.groups).toBe(groupId <= 32 ? 1 << (groupId - 1) : 0);
  const [announced] = decodeMessages(event.data);
  expect(announced!.payload[0]).toBe(ECHO_CMD.ECHO_CMD_ECHOED);
});

it('refuses a request without the message with EINVAL, an extack text and the missing type', () => {
  const kernel = createKernel();
  const family = loadGenlEcho(kernel);
  const s = kernel.socket(SOCK_RAW, NETLINK_GENERIC);
  s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1);
  s.send(genl(family.id, ECHO_CMD.ECHO_CMD_ECHO, NLM_F_REQUEST, 1, () => {}));
  const [m] = decodeMessages(s.recvmsg().data);
  expect(decodeError(m!.payload, m!.header.flags)).toMatchObject({ error: -22, extack: { message: 'missing ECHO_ATTR_MSG', missingType: 1 } });
});
