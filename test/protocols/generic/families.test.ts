import { expect, it } from 'vitest';
import { userCredentials } from '../../../sim/credentials.js';
import { KernelError } from '../../../sim/errors.js';
import { NLM_F_ACK, NLM_F_DUMP, NLM_F_ECHO, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NETLINK_GENERIC, SOCK_RAW } from '../../../sim/uapi/netlink.js';
import { attrsToArray } from '../../../sim/wire/attr-reader.js';
import { decodeError } from '../../../sim/wire/nlmsgerr.js';
import { NLA, type Policy } from '../../../sim/wire/policy.js';
import { GENL_ADMIN_PERM, GENL_MCAST_CAP_NET_ADMIN, GENL_UNS_ADMIN_PERM, type GenlFamilyDef } from '../../../protocols/generic/index.js';
import { describeSim } from '../../helpers/backends.js';
import { expectErrno } from '../../helpers/expect-errno.js';
import { attr, drainAll, exchange, genlSockets, hex, request, u32, unhex } from './genl.js';
import { decodeMessages } from '../../../sim/wire/messages.js';

const fam = (name: string, extra: Partial<GenlFamilyDef> = {}): GenlFamilyDef => ({
  name,
  ops: [{ cmd: 1, doit: () => {} }],
  ...extra,
});

describeSim('generic netlink families', (b) => {
  const g = genlSockets(b);
  const gen = () => g.generic()!;

  it('allocates ids from 0x13 cyclically, and 0x11/0x12 only to VFS_DQUOT and pmcraid', () => {
    const a = gen().defineFamily(fam('a'));
    const c = gen().defineFamily(fam('c'));
    expect([a.id, c.id]).toEqual([0x13, 0x14]);
    gen().unregisterFamily(a);
    expect(gen().defineFamily(fam('d')).id).toBe(0x15);
    expect(gen().defineFamily(fam('VFS_DQUOT', { mcgrps: [{ name: 'events' }] }))).toMatchObject({ id: 0x11, mcgrpOffset: 0x11 });
    expect(gen().defineFamily(fam('pmcraid')).id).toBe(0x12);
    // idr_alloc_cyclic() moved idr_next back to 0x13, so the freed 0x13 is reused now.
    expect(gen().defineFamily(fam('e')).id).toBe(0x13);
    expect(() => gen().defineFamily(fam('e'))).toThrow(KernelError);
    expect(gen().families().map((f) => f.id)).toEqual([0x10, 0x11, 0x12, 0x13, 0x14, 0x15]);
  });

  it('refuses invalid op tables with EINVAL', () => {
    expectErrno(() => gen().defineFamily({ name: 'x', ops: [{ cmd: 1 }] }), 'EINVAL');
    expectErrno(() => gen().defineFamily({ name: 'x', ops: [{ cmd: 1, doit: () => {} }, { cmd: 1, dumpit: () => 0 }] }), 'EINVAL');
    expectErrno(() => gen().defineFamily({ name: 'x', ops: [{ cmd: 1, doit: () => {}, validate: 1 }] }), 'EINVAL');
  });

  it('hands out multicast group ids from the global bitmap, skipping 16–18, and grows ngroups', () => {
    const table = b.sim.table(NETLINK_GENERIC)!;
    expect(table.groups).toBe(32);
    const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `g${i}` }));
    expect(gen().defineFamily(fam('two', { mcgrps: names(2) })).mcgrpOffset).toBe(2);
    expect(table.groups).toBe(64);
    expect(gen().defineFamily(fam('one', { mcgrps: names(1) })).mcgrpOffset).toBe(4);
    expect(gen().defineFamily(fam('twelve', { mcgrps: names(12) })).mcgrpOffset).toBe(19);
    expect(gen().defineFamily(fam('small', { mcgrps: names(3) })).mcgrpOffset).toBe(5);
    expect(gen().defineFamily(fam('big', { mcgrps: names(40) })).mcgrpOffset).toBe(31);
    expect(table.groups).toBe(128);
    expect(gen().defineFamily(fam('NET_DM', { mcgrps: names(1) })).mcgrpOffset).toBe(1);
  });

  it('announces NEWFAMILY and NEWMCAST_GRP, then DELMCAST_GRP and DELFAMILY, on nlctrl\'s group 16', () => {
    const listener = g.open();
    listener.setsockopt(270, 1, 16);
    const f = gen().defineFamily(fam('evt', { version: 3, mcgrps: [{ name: 'a' }, { name: 'b' }] }));
    gen().unregisterFamily(f);
    const got = drainAll(listener).map((d) => decodeMessages(d));
    expect(got.every((d) => d.length === 1)).toBe(true);
    const msgs = got.map((d) => d[0]!);
    expect(msgs.map((m) => [m.header.type, m.header.flags, m.header.seq, m.header.pid, m.payload[0], m.payload[1]])).toEqual([
      [0x10, 0, 0, 0, 1, 2],
      [0x10, 0, 0, 0, 7, 2],
      [0x10, 0, 0, 0, 7, 2],
      [0x10, 0, 0, 0, 8, 2],
      [0x10, 0, 0, 0, 8, 2],
      [0x10, 0, 0, 0, 2, 2],
    ]);
    // NEWMCAST_GRP: name, id, then one group entry {ID, NAME}.
    expect(hex(msgs[2]!.payload)).toBe(hex(unhex('07020000 08000200 65767400 06000100 13000000 18000700 14000100 08000200 03000000 06000100 62000000')));
    expect(attrsToArray(msgs[0]!.payload, 4).map((a) => a.type)).toEqual([2, 1, 3, 4, 5, 6, 7]);
  });

  it('validates requests with the family\'s policy and reports the policy nest', () => {
    const policy: Policy = [undefined, { type: NLA.NLA_U32, min: 1, max: 100 }, { type: NLA.NLA_NESTED, nested: [undefined, { type: NLA.NLA_FLAG }] }];
    const seen: number[] = [];
    const f = gen().defineFamily({
      name: 'pol',
      maxattr: 2,
      policy,
      ops: [{ cmd: 1, doit: (info) => void seen.push(info.attrs[1]!.u32()) }],
    });
    const s = g.open();
    const [[ok]] = exchange(s, request({ type: f.id, cmd: 1, flags: NLM_F_REQUEST | NLM_F_ACK, body: [attr(1, u32(5))] }));
    expect(decodeError(ok!.payload, ok!.header.flags).error).toBe(0);
    expect(seen).toEqual([5]);
    const [[bad]] = exchange(s, request({ type: f.id, cmd: 1, body: [attr(1, u32(500))] }));
    const e = decodeError(bad!.payload, bad!.header.flags);
    expect(e.error).toBe(-34);
    expect(e.extack.message).toBe('integer out of range');
    expect(e.extack.offset).toBe(20);
    expect(hex(e.extack.policy!)).toBe(hex(unhex('0c000400 0100000000000000 | 0c000500 6400000000000000 | 08000100 04000000')));
    // Strict by default: a nest without NLA_F_NESTED is refused, an inner error keeps its offset.
    const [[nest]] = exchange(s, request({ type: f.id, cmd: 1, body: [attr(2, attr(1, u32(0)))] }));
    expect(decodeError(nest!.payload, nest!.header.flags).extack.message).toBe('NLA_F_NESTED is missing');
    const [[inner]] = exchange(s, request({ type: f.id, cmd: 1, body: [attr(2 | 0x8000, attr(1, u32(0)))] }));
    expect(decodeError(inner!.payload, inner!.header.flags)).toMatchObject({ error: -34, extack: { offset: 24 } });
  });

  it('refuses admin ops to a user with EPERM and lets root through', () => {
    const f = gen().defineFamily({
      name: 'adm',
      ops: [
        { cmd: 1, flags: GENL_ADMIN_PERM, doit: () => {} },
        { cmd: 2, flags: GENL_UNS_ADMIN_PERM, doit: () => {} },
      ],
    });
    const user = b.sim.socket(SOCK_RAW, NETLINK_GENERIC, { credentials: userCredentials() });
    const root = g.open();
    for (const cmd of [1, 2]) {
      const [[m]] = exchange(user, request({ type: f.id, cmd, flags: NLM_F_REQUEST | NLM_F_ACK }));
      expect(decodeError(m!.payload, m!.header.flags).error).toBe(-1);
      const [[r]] = exchange(root, request({ type: f.id, cmd, flags: NLM_F_REQUEST | NLM_F_ACK }));
      expect(decodeError(r!.payload, r!.header.flags).error).toBe(0);
    }
    user.close();
  });

  it('lets only CAP_NET_ADMIN join a GENL_MCAST_CAP_NET_ADMIN group', () => {
    const f = gen().defineFamily(fam('capgrp', { mcgrps: [{ name: 'open' }, { name: 'admin', flags: GENL_MCAST_CAP_NET_ADMIN }] }));
    const user = b.sim.socket(SOCK_RAW, NETLINK_GENERIC, { credentials: userCredentials() });
    user.setsockopt(270, 1, f.mcgrpOffset);
    expectErrno(() => user.setsockopt(270, 1, f.mcgrpOffset + 1), 'EPERM');
    g.open().setsockopt(270, 1, f.mcgrpOffset + 1);
    user.close();
  });

  it('replies with genlmsg_reply() and notifies with NLM_F_ECHO semantics', () => {
    const f = gen().defineFamily({
      name: 'echo',
      version: 5,
      hdrsize: 4,
      mcgrps: [{ name: 'ev' }],
      ops: [
        {
          cmd: 1,
          doit: (info) => {
            info.notify(0, 9, (w) => w.u32(1, 77));
            return info.reply(2, (w) => w.u32(1, 1), { userhdr: Uint8Array.of(1, 2, 3, 4) });
          },
        },
      ],
    });
    const member = g.open();
    member.setsockopt(270, 1, f.mcgrpOffset);
    const s = g.open();
    s.setsockopt(270, 1, f.mcgrpOffset);
    const got = exchange(s, request({ type: f.id, cmd: 1, payload: Uint8Array.of(1, 0, 0, 0, 9, 9, 9, 9), flags: NLM_F_REQUEST | NLM_F_ECHO, seq: 3 }));
    // The requester gets one copy (unicast echo), before the reply.
    expect(got.map((d) => hex(d[0]!.payload))).toEqual(['09050000 00000000 08000100 4d000000', '02050000 01020304 08000100 01000000'].map((h) => h.replace(/ /g, '')));
    expect(got[0]![0]!.header).toMatchObject({ type: f.id, flags: 0, seq: 3, pid: s.getsockname().pid });
    expect(drainAll(member).length).toBe(1);
  });

  it('dumps a family\'s messages and refuses a dump without dumpit (EOPNOTSUPP)', () => {
    const f = gen().defineFamily({
      name: 'dumper',
      ops: [
        {
          cmd: 1,
          dumpit: (chunk, info) => {
            let i = (info.cursor.i as number | undefined) ?? 0;
            for (; i < 500; i++) if (!info.put(chunk, 1, (w) => w.u32(1, i))) break;
            info.cursor.i = i;
            return i < 500 ? chunk.length : 0;
          },
        },
        { cmd: 2, doit: () => {} },
      ],
    });
    const s = g.open();
    const got = exchange(s, request({ type: f.id, cmd: 1, flags: NLM_F_REQUEST | NLM_F_DUMP }), 65536);
    const msgs = got.flat();
    expect(msgs.length).toBe(501);
    expect(msgs.at(-1)!.header.type).toBe(NLMSG_DONE);
    const [[m]] = exchange(s, request({ type: f.id, cmd: 2, flags: NLM_F_REQUEST | NLM_F_DUMP }));
    expect(m!.header.type).toBe(NLMSG_ERROR);
    expect(decodeError(m!.payload, m!.header.flags).error).toBe(-95);
  });

  it('hides non-netnsok families from other namespaces', () => {
    const f = gen().defineFamily(fam('initonly', { netnsok: false }));
    const ns = b.sim.createNamespace();
    const s = b.sim.socket(SOCK_RAW, NETLINK_GENERIC, { netns: ns });
    const [[m]] = exchange(s, request({ type: f.id, cmd: 1 }));
    expect(decodeError(m!.payload, m!.header.flags).error).toBe(-2);
    const [[r]] = exchange(s, request({ cmd: 3, body: [attr(2, [...Buffer.from('initonly'), 0])] }));
    expect(decodeError(r!.payload, r!.header.flags).error).toBe(-2);
    s.close();
  });

  it('gives legacy ops at or above resvStartOp without a policy the reject-all policy', () => {
    const f = gen().defineFamily({ name: 'rej', resvStartOp: 1, ops: [{ cmd: 1, doit: () => {} }] });
    const s = g.open();
    const [[a]] = exchange(s, request({ type: f.id, cmd: 1, body: [attr(1, u32(0))] }));
    expect(decodeError(a!.payload, a!.header.flags)).toMatchObject({ error: -22, extack: { message: 'Attribute failed policy validation', offset: 20 } });
    const [[c]] = exchange(s, request({ type: f.id, cmd: 1, body: [attr(2, u32(0))] }));
    expect(decodeError(c!.payload, c!.header.flags).extack).toEqual({ message: 'Unknown attribute type', offset: 20 });
  });
});

describeSim('CTRL_CMD_GETPOLICY of a user family', (b) => {
  const g = genlSockets(b);

  it('numbers nested policies after the top-level ones and links them with POLICY_IDX', () => {
    const inner: Policy = [undefined, { type: NLA.NLA_U8 }];
    const policy: Policy = [undefined, { type: NLA.NLA_NESTED, nested: inner }, { type: NLA.NLA_FLAG }];
    const f = g.generic()!.defineFamily({ name: 'nest', maxattr: 2, policy, ops: [{ cmd: 1, doit: () => {} }] });
    const s = g.open();
    const got = exchange(s, request({ cmd: 10, flags: NLM_F_REQUEST | NLM_F_DUMP, body: [attr(1, [f.id & 0xff, f.id >> 8])] }));
    const payloads = got.flat().filter((m) => m.header.type === 0x10).map((m) => hex(m.payload).slice(24));
    const id = (h: string) => h.replace(/ /g, '');
    expect(payloads).toEqual([
      id('10000980 0c000180 08000100 00000000'), // OP_POLICY {cmd 1 {DO 0}}
      id('24000880 20000080 1c000180 08000800 01000000 08000900 01000000 08000100 0d000000'), // 0/1: NESTED, policy 1, maxtype 1
      id('14000880 10000080 0c000280 08000100 01000000'), // 0/2: FLAG
      id('2c000880 28000180 24000180 0c000400 0000000000000000 0c000500 ff00000000000000 08000100 02000000'), // 1/1: U8
    ]);
  });
});
