import { describe, expect, it } from 'vitest';
import {
  NLA_ALIGN,
  NLA_DATA,
  NLA_HDRLEN,
  NLA_NEXT,
  NLA_OK,
  NLMSG_ALIGN,
  NLMSG_DATA,
  NLMSG_HDRLEN,
  NLMSG_LENGTH,
  NLMSG_NEXT,
  NLMSG_OK,
  NLMSG_PAYLOAD,
  NLMSG_SPACE,
  nla_len,
  nla_type,
  nla_type_flags,
} from '../../../sim/wire/align.js';
import { HOST_LE } from '../../../sim/wire/header.js';
import { hex } from './hex.js';

describe('alignment macros', () => {
  it.each([
    [0, 0],
    [1, 4],
    [3, 4],
    [4, 4],
    [17, 20],
    [0xfffffffd, 0], // u32 wrap-around, as in C
  ])('NLMSG_ALIGN(%i) = %i, NLA_ALIGN agrees', (len, want) => {
    expect(NLMSG_ALIGN(len)).toBe(want);
    expect(NLA_ALIGN(len)).toBe(want);
  });

  it('header lengths and derived sizes', () => {
    expect(NLMSG_HDRLEN).toBe(16);
    expect(NLA_HDRLEN).toBe(4);
    expect(NLMSG_LENGTH(3)).toBe(19);
    expect(NLMSG_SPACE(3)).toBe(20);
    expect(NLMSG_DATA(new Uint8Array(0), 20)).toBe(36);
    expect(NLA_DATA(new Uint8Array(0), 8)).toBe(12);
  });
});

describe.runIf(HOST_LE)('walking macros', () => {
  // Two messages: nlmsg_len 17 (padded to 20), then nlmsg_len 16; 36 bytes in all.
  const datagram = hex(`
    11000000 1000 0100 01000000 00000000 | 61 000000
    10000000 1000 0100 02000000 00000000
  `);

  it('NLMSG_OK / NLMSG_NEXT walk like the C loop', () => {
    const seen: number[] = [];
    let pos = { offset: 0, remaining: datagram.length };
    while (NLMSG_OK(datagram, pos.offset, pos.remaining)) {
      seen.push(pos.offset);
      pos = NLMSG_NEXT(datagram, pos.offset, pos.remaining);
    }
    expect(seen).toEqual([0, 20]);
    expect(pos).toEqual({ offset: 36, remaining: 0 });
  });

  it('NLMSG_NEXT after an unpadded last message goes negative, as in C', () => {
    const one = datagram.subarray(0, 17);
    expect(NLMSG_OK(one, 0, 17)).toBe(true);
    const next = NLMSG_NEXT(one, 0, 17);
    expect(next).toEqual({ offset: 20, remaining: -3 });
    expect(NLMSG_OK(one, next.offset, next.remaining)).toBe(false);
  });

  it.each([
    ['remaining below a header', datagram, 0, 15],
    ['nlmsg_len beyond remaining', datagram, 0, 16],
    ['buffer shorter than remaining claims', datagram.subarray(0, 10), 0, 36],
    ['nlmsg_len below 16', hex('08000000 1000 0000 00000000 00000000'), 0, 16],
  ])('NLMSG_OK is false: %s', (_name, buf, offset, remaining) => {
    expect(NLMSG_OK(buf, offset, remaining)).toBe(false);
  });

  it('NLMSG_PAYLOAD subtracts a family header', () => {
    expect(NLMSG_PAYLOAD(datagram, 0, 0)).toBe(1);
    expect(NLMSG_PAYLOAD(datagram, 0, 4)).toBe(-3);
  });

  it('NLA_OK / NLA_NEXT and the nla_* accessors', () => {
    // u8 attr type 0x8001 (NESTED flag set), padded; then a flag attr type 2.
    const attrs = hex('0500 0180 07 000000 | 0400 0200');
    expect(NLA_OK(attrs, 0, attrs.length)).toBe(true);
    expect(nla_len(attrs, 0)).toBe(1);
    expect(nla_type(attrs, 0)).toBe(1);
    expect(nla_type_flags(attrs, 0)).toBe(0x8000);
    const next = NLA_NEXT(attrs, 0, attrs.length);
    expect(next).toEqual({ offset: 8, remaining: 4 });
    expect(NLA_OK(attrs, 8, 4)).toBe(true);
    expect(NLA_OK(attrs, 8, 3)).toBe(false);
    expect(NLA_OK(hex('0300 0100'), 0, 4)).toBe(false); // nla_len < 4
  });
});
