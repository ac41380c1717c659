import { FuzzRun } from '../test/fuzz/rtnl-check.ts';
import { createHostKernel } from '../test/helpers/host-kernel.ts';
import { decodeMessages } from '../sim/wire/messages.ts';
const k = createHostKernel({ clock: 'manual' });
const s = k.socket(3, 0);
const send = (hex: string) => { s.sendto(Buffer.from(hex.replace(/ /g, ''), 'hex'), null); };
const le = (n: number) => Buffer.from(Uint32Array.of(n).buffer).toString('hex');
// setup like the differential fuzzer: lo up, veth, bridge, ifb, genmode none, up
const ifinfo = (i: number, f = 0, c = 0) => '00000000' + le(i) + le(f) + le(c);
const msg = (type: number, flags: number, body: string) => { const len = 16 + body.length / 2; return le(len) + Buffer.from(Uint16Array.of(type, flags).buffer).toString('hex') + le(1) + le(0) + body; };
send(msg(19, 5, ifinfo(1, 1, 1)));
const nla = (t: number, p: string) => { const l = 4 + p.length / 2; return Buffer.from(Uint16Array.of(l, t).buffer).toString('hex') + p + '00'.repeat((4 - (l % 4)) % 4); };
const str = (x: string) => Buffer.from(x + '\0').toString('hex');
send(msg(16, 0x605, ifinfo(0) + nla(3, str('v0')) + nla(18, nla(1, str('veth')) + nla(2, nla(1, ifinfo(0) + nla(3, str('v0p')))))));
send(msg(16, 0x605, ifinfo(0) + nla(3, str('b0')) + nla(18, nla(1, str('bridge')))));
send(msg(16, 0x605, ifinfo(0) + nla(3, str('i0')) + nla(18, nla(1, str('ifb')))));
for (const i of [2, 3, 4, 5]) send(msg(19, 5, ifinfo(i) + nla(26, nla(10, nla(8, '01')))));
for (const i of [2, 3, 4, 5]) send(msg(19, 5, ifinfo(i, 1, 1)));
for (;;) { try { s.recvmsg({ flags: 0x40 }); } catch { break; } }
send(msg(30, 0x305, '020000000000000000000000'));
for (;;) { try { const r = s.recvmsg({ flags: 0x40 }); for (const m of decodeMessages(r.data)) console.log(m.header.type, Buffer.from(m.payload).toString('hex')); } catch { break; } }
