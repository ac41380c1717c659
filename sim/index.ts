/**
 * The virtual kernel's surface: af_netlink (sockets, ports, multicast, ACKs, dumps), the wire
 * codec and the kernel-side API protocols are written against. The package's entry point
 * (index.ts at the root) adds createKernel() and the built-in protocols to it.
 */
export { VirtualKernel } from './kernel.js';
export type { ProtocolHandle, SimSocketOptions, Sysctl, VirtualKernelOptions } from './kernel.js';
export { registerUsersock } from './usersock.js';
export { CONFIG_OPTIONS, DEFAULT_PROFILE, PROFILES, profileDifferences, profileFromConfig, profileFromJson, profileToJson, resolveProfile } from './profile.js';
export type { ConfigOption, KernelConfig, KernelProfile, ProfileSysctl } from './profile.js';
export { KernelClock } from './clock.js';
export type { ClockMode, KernelTimer } from './clock.js';
export { SimSocket } from './socket.js';
export type { Address, NetlinkSocket, RecvOptions, RecvResult, SockaddrNl, SocketFactory } from './socket-api.js';
export { NetNamespace } from './netns.js';
export { KernelSocket } from './kernel-socket.js';
export type { InputSkb, KernelSendOptions } from './kernel-socket.js';
export type { BindHookContext, ProtocolConfig, NetlinkTable } from './protocol-table.js';
export { requestLoop, RequestContext } from './request-loop.js';
export type { RequestHandler } from './request-loop.js';
export { DumpChunk, DumpState } from './dump.js';
export type { DumpCallback, DumpControl } from './dump.js';
export type { Tap, TapDirection } from './delivery.js';
export type { Skb } from './skb.js';
export { ALL_CAPABILITIES, capable, rootCredentials, userCredentials } from './credentials.js';
export type { Capability, Credentials } from './credentials.js';
export { DecodeError, KernelError, NetlinkError, NlsimError } from './errors.js';
export type { ErrorSource, ExtAck, NlsimErrorCode } from './errors.js';
export { encodeSockaddr, ffs, groupMask } from './address.js';
export * from './uapi/netlink.js';
export { ERRNO, errnoMessage, errnoName, errnoNumber } from './uapi/errno.js';
export type { ErrnoName } from './uapi/errno.js';
export { encodeMessage, HOST_LE, readHeader, writeHeader } from './wire/header.js';
export type { NlMsgHdr } from './wire/header.js';
export { NLA_ALIGN, NLA_DATA, NLA_NEXT, NLA_OK, nla_len, nla_type, nla_type_flags, NLMSG_ALIGN, NLMSG_DATA, NLMSG_LENGTH, NLMSG_NEXT, NLMSG_OK, NLMSG_PAYLOAD, NLMSG_SPACE } from './wire/align.js';
export { AttrReader, attrsToArray, parseAttrs } from './wire/attr-reader.js';
export { AttrWriter, encodePayload, withPayload } from './wire/attr-writer.js';
export type { AttrPayload } from './wire/attr-writer.js';
export { concatMessages, decodeMessages, MessageWriter, walkMessages } from './wire/messages.js';
export { decodeDone, decodeError, decodeExtAck } from './wire/nlmsgerr.js';
