/**
 * The 136-byte nlctrl CTRL_CMD_GETFAMILY reply of KERNEL-SEMANTICS.md item 171, decoded
 * with AttrReader and rebuilt byte for byte with MessageWriter/AttrWriter. The kernel
 * writes CTRL_ATTR_OPS and CTRL_ATTR_MCAST_GROUPS (and their entries) without
 * NLA_F_NESTED, so the rebuild uses `nestedFlag: false`. seq 1 and portid 0x1234 are
 * ours; the checklist gives the bytes after the header.
 */
import { describe, expect, it } from 'vitest';
import { AttrReader } from '../../../sim/wire/attr-reader.js';
import { MessageWriter, decodeMessages } from '../../../sim/wire/messages.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import { hex, toHex } from './hex.js';

const CTRL_ATTR = { FAMILY_ID: 1, FAMILY_NAME: 2, VERSION: 3, HDRSIZE: 4, MAXATTR: 5, OPS: 6, MCAST_GROUPS: 7 };
const CTRL_ATTR_OP = { ID: 1, FLAGS: 2 };
const CTRL_ATTR_MCAST_GRP = { NAME: 1, ID: 2 };

const reply = hex(`
  88000000 1000 0000 01000000 34120000   # nlmsg_len 136, type 0x10 (nlctrl), flags 0, seq 1, portid
  01020000                               # genlmsghdr: cmd NEWFAMILY, version 2
  0b000200 6e6c6374726c00 00             # FAMILY_NAME "nlctrl" + NUL, 1 byte padding
  06000100 1000 0000                     # FAMILY_ID 0x10, 2 bytes padding
  08000300 02000000                      # VERSION 2
  08000400 00000000                      # HDRSIZE 0
  08000500 00000000                      # MAXATTR 0
  2c000600                               # OPS (no NLA_F_NESTED), 44 bytes
    14000100                             #   entry 1
      08000100 03000000                  #     OP_ID 3 (GETFAMILY)
      08000200 0e000000                  #     OP_FLAGS CAP_DO|CAP_DUMP|HASPOL
    14000200                             #   entry 2
      08000100 0a000000                  #     OP_ID 10 (GETPOLICY)
      08000200 0c000000                  #     OP_FLAGS CAP_DUMP|HASPOL
  1c000700                               # MCAST_GROUPS (no NLA_F_NESTED), 28 bytes
    18000100                             #   entry 1
      08000200 10000000                  #     MCAST_GRP_ID 0x10
      0b000100 6e6f7469667900 00         #     MCAST_GRP_NAME "notify" + NUL, padding
`);

interface Family {
  name: string;
  id: number;
  version: number;
  hdrsize: number;
  maxattr: number;
  ops: Array<{ entry: number; id: number; flags: number; offset: number }>;
  groups: Array<{ entry: number; id: number; name: string }>;
}

/** decodeFamily is what a genetlink client does with the reply. */
function decodeFamily(payload: Uint8Array): { family: Family; reader: AttrReader } {
  const f: Family = { name: '', id: 0, version: 0, hdrsize: 0, maxattr: 0, ops: [], groups: [] };
  const r = new AttrReader(payload, 4, payload.length, 16); // after genlmsghdr; offsets from nlmsghdr
  while (r.next()) {
    switch (r.type) {
      case CTRL_ATTR.FAMILY_NAME: f.name = r.string(); break;
      case CTRL_ATTR.FAMILY_ID: f.id = r.u16(); break;
      case CTRL_ATTR.VERSION: f.version = r.u32(); break;
      case CTRL_ATTR.HDRSIZE: f.hdrsize = r.u32(); break;
      case CTRL_ATTR.MAXATTR: f.maxattr = r.u32(); break;
      case CTRL_ATTR.OPS: {
        expect(r.typeFlags).toBe(0);
        const ops = r.nested();
        while (ops.next()) {
          const op = { entry: ops.type, id: 0, flags: 0, offset: ops.offset };
          const a = ops.nested();
          while (a.next()) {
            if (a.type === CTRL_ATTR_OP.ID) op.id = a.u32();
            else if (a.type === CTRL_ATTR_OP.FLAGS) op.flags = a.u32();
          }
          f.ops.push(op);
        }
        break;
      }
      case CTRL_ATTR.MCAST_GROUPS: {
        const groups = r.nested();
        while (groups.next()) {
          const g = { entry: groups.type, id: 0, name: '' };
          const a = groups.nested();
          while (a.next()) {
            if (a.type === CTRL_ATTR_MCAST_GRP.ID) g.id = a.u32();
            else if (a.type === CTRL_ATTR_MCAST_GRP.NAME) g.name = a.string();
          }
          f.groups.push(g);
        }
        break;
      }
    }
  }
  return { family: f, reader: r };
}

describe.runIf(HOST_LE)('nlctrl GETFAMILY reply (KERNEL-SEMANTICS item 171)', () => {
  it('is one 136-byte message', () => {
    const msgs = decodeMessages(reply);
    expect(msgs.length).toBe(1);
    expect(msgs[0]!.header).toEqual({ len: 136, type: 0x10, flags: 0, seq: 1, pid: 0x1234 });
    expect(msgs[0]!.payload.length).toBe(120);
  });

  it('decodes with AttrReader, nests and offsets included', () => {
    const { payload } = decodeMessages(reply)[0]!;
    expect(Array.from(payload.subarray(0, 4))).toEqual([1, 2, 0, 0]);
    const { family, reader } = decodeFamily(payload);
    expect(reader.err()).toBeUndefined();
    expect(reader.leftover()).toBe(0);
    expect(family).toEqual({
      name: 'nlctrl',
      id: 0x10,
      version: 2,
      hdrsize: 0,
      maxattr: 0,
      // offsets count from the nlmsghdr: OPS starts at 16+4+12+8+8+8+8 = 64
      ops: [
        { entry: 1, id: 3, flags: 0x0e, offset: 68 },
        { entry: 2, id: 10, flags: 0x0c, offset: 88 },
      ],
      groups: [{ entry: 1, id: 0x10, name: 'notify' }],
    });
  });

  it('re-encodes to the same bytes with MessageWriter + AttrWriter', () => {
    const { family } = decodeFamily(decodeMessages(reply)[0]!.payload);
    const w = new MessageWriter({ initialSize: 16 }); // small on purpose: grows while writing
    w.begin({ type: 0x10, flags: 0, seq: 1, pid: 0x1234 });
    w.write(hex('01020000'));
    const a = w.attrs;
    a.string(CTRL_ATTR.FAMILY_NAME, family.name);
    a.u16(CTRL_ATTR.FAMILY_ID, family.id);
    a.u32(CTRL_ATTR.VERSION, family.version);
    a.u32(CTRL_ATTR.HDRSIZE, family.hdrsize);
    a.u32(CTRL_ATTR.MAXATTR, family.maxattr);
    a.nested(CTRL_ATTR.OPS, () => {
      for (const op of family.ops) {
        a.nested(op.entry, () => {
          a.u32(CTRL_ATTR_OP.ID, op.id);
          a.u32(CTRL_ATTR_OP.FLAGS, op.flags);
        }, { nestedFlag: false });
      }
    }, { nestedFlag: false });
    // The same with the token API, as kernel code does with nla_nest_start_noflag().
    const groups = a.beginNest(CTRL_ATTR.MCAST_GROUPS, false);
    for (const g of family.groups) {
      const entry = a.beginNest(g.entry, false);
      a.u32(CTRL_ATTR_MCAST_GRP.ID, g.id);
      a.string(CTRL_ATTR_MCAST_GRP.NAME, g.name);
      a.endNest(entry);
    }
    a.endNest(groups);
    expect(w.end()).toBe(136);
    expect(w.encodingLength).toBe(136);
    expect(toHex(w.finish())).toBe(toHex(reply));
  });
});
