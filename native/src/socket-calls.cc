#include "socket-calls.h"

#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <new>

#include "args.h"
#include "errno-error.h"
#include "netns.h"

namespace nlsim {

namespace {

// AddressObject turns a kernel-filled sockaddr_nl into {family, pid, groups}. pid and
// groups are u32 on the wire; Number::New(uint32_t) keeps them unsigned in JS.
Napi::Object AddressObject(Napi::Env env, const sockaddr_nl& addr) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("family", Napi::Number::New(env, addr.nl_family));
  out.Set("pid", Napi::Number::New(env, static_cast<uint32_t>(addr.nl_pid)));
  out.Set("groups", Napi::Number::New(env, static_cast<uint32_t>(addr.nl_groups)));
  return out;
}

// CopyToJs returns a plain Uint8Array (not a Buffer) holding a copy of `length` bytes.
Napi::Uint8Array CopyToJs(Napi::Env env, const uint8_t* data, size_t length) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, length);
  if (length > 0) std::memcpy(buffer.Data(), data, length);
  return Napi::Uint8Array::New(env, length, buffer, 0);
}

// Allocate returns `size` zeroed bytes of scratch memory (at least one, so the pointer is
// never null) or throws ENOMEM under the name of the call that needed it. Zeroed because
// the kernel may report an optlen beyond what it wrote (NETLINK_LIST_MEMBERSHIPS with a
// buffer that is not a multiple of 4): those bytes must read as 0, not as heap garbage.
std::unique_ptr<uint64_t[]> Allocate(Napi::Env env, size_t size, const char* syscall) {
  // uint64_t elements give the alignment a cmsghdr needs.
  size_t words = std::max<size_t>(1, (size + sizeof(uint64_t) - 1) / sizeof(uint64_t));
  std::unique_ptr<uint64_t[]> memory(new (std::nothrow) uint64_t[words]());
  if (!memory) ThrowErrno(env, ENOMEM, syscall);
  return memory;
}

// socket(type, protocol, netnsFd) -> fd. SOCK_CLOEXEC so forked tools never inherit the
// oracle's sockets; SOCK_NONBLOCK because the JS API must never block the event loop.
Napi::Value Socket(const Napi::CallbackInfo& info) {
  int type = IntArg(info, 0);
  int protocol = IntArg(info, 1);
  int netnsFd = IntArg(info, 2);
  NetnsScope scope(info.Env(), netnsFd);
  int fd = socket(AF_NETLINK, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol);
  if (fd < 0) ThrowErrno(info.Env(), errno, "socket");
  return Napi::Number::New(info.Env(), fd);
}

// createNetns() -> fd of a fresh network namespace.
Napi::Value CreateNetnsCall(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), CreateNetns(info.Env()));
}

// close(fd).
Napi::Value Close(const Napi::CallbackInfo& info) {
  if (close(IntArg(info, 0)) != 0) ThrowErrno(info.Env(), errno, "close");
  return info.Env().Undefined();
}

// bind(fd, addressBytes): the bytes go to the kernel as they are, addrlen included.
Napi::Value Bind(const Napi::CallbackInfo& info) {
  Bytes addr = BytesArg(info, 1);
  if (bind(IntArg(info, 0), reinterpret_cast<const sockaddr*>(addr.data), addr.length) != 0) {
    ThrowErrno(info.Env(), errno, "bind");
  }
  return info.Env().Undefined();
}

// connect(fd, addressBytes): as bind; a 2-byte AF_UNSPEC address disconnects.
Napi::Value Connect(const Napi::CallbackInfo& info) {
  Bytes addr = BytesArg(info, 1);
  if (connect(IntArg(info, 0), reinterpret_cast<const sockaddr*>(addr.data), addr.length) != 0) {
    ThrowErrno(info.Env(), errno, "connect");
  }
  return info.Env().Undefined();
}

// NameCall is getsockname or getpeername.
using NameCall = int (*)(int, sockaddr*, socklen_t*);

Napi::Value Name(const Napi::CallbackInfo& info, NameCall call, const char* syscall) {
  sockaddr_nl addr{};
  socklen_t length = sizeof(addr);
  if (call(IntArg(info, 0), reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    ThrowErrno(info.Env(), errno, syscall);
  }
  return AddressObject(info.Env(), addr);
}

Napi::Value GetSockName(const Napi::CallbackInfo& info) {
  return Name(info, getsockname, "getsockname");
}

Napi::Value GetPeerName(const Napi::CallbackInfo& info) {
  return Name(info, getpeername, "getpeername");
}

// send(fd, data, flags) -> bytes sent. MSG_DONTWAIT makes "would block" an EAGAIN.
Napi::Value Send(const Napi::CallbackInfo& info) {
  Bytes data = BytesArg(info, 1);
  ssize_t sent = send(IntArg(info, 0), data.data, data.length, UintArg(info, 2) | MSG_DONTWAIT);
  if (sent < 0) ThrowErrno(info.Env(), errno, "send");
  return Napi::Number::New(info.Env(), static_cast<double>(sent));
}

// sendto(fd, data, addressBytes | null, flags) -> bytes sent. null gives msg_namelen 0.
Napi::Value SendTo(const Napi::CallbackInfo& info) {
  Bytes data = BytesArg(info, 1);
  Bytes addr{nullptr, 0};
  if (!info[2].IsNull()) addr = BytesArg(info, 2);
  ssize_t sent = sendto(IntArg(info, 0), data.data, data.length, UintArg(info, 3) | MSG_DONTWAIT,
                        reinterpret_cast<const sockaddr*>(addr.data), addr.length);
  if (sent < 0) ThrowErrno(info.Env(), errno, "sendto");
  return Napi::Number::New(info.Env(), static_cast<double>(sent));
}

// PktinfoGroup finds NETLINK_PKTINFO's group among the control messages. A cmsg that the
// kernel had to cut short (cmsg_len below CMSG_LEN(4)) does not count as present.
bool PktinfoGroup(msghdr* msg, uint32_t* group) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_NETLINK || c->cmsg_type != NETLINK_PKTINFO) continue;
    if (c->cmsg_len < CMSG_LEN(sizeof(nl_pktinfo))) continue;
    nl_pktinfo info;
    std::memcpy(&info, CMSG_DATA(c), sizeof(info));
    *group = info.group;
    return true;
  }
  return false;
}

// Credentials finds SCM_CREDENTIALS (SO_PASSCRED) among the control messages; like
// PktinfoGroup it ignores a cmsg the kernel cut short.
bool Credentials(msghdr* msg, ucred* creds) {
  for (cmsghdr* c = CMSG_FIRSTHDR(msg); c != nullptr; c = CMSG_NXTHDR(msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS) continue;
    if (c->cmsg_len < CMSG_LEN(sizeof(ucred))) continue;
    std::memcpy(creds, CMSG_DATA(c), sizeof(*creds));
    return true;
  }
  return false;
}

// recvmsg(fd, bufferSize, flags, controlSize)
//   -> {length, data, flags, address, pktinfoGroup?, credentials?}
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = IntArg(info, 0);
  size_t bufferSize = UintArg(info, 1);
  int flags = static_cast<int>(UintArg(info, 2));
  size_t controlSize = UintArg(info, 3);

  std::unique_ptr<uint64_t[]> buffer = Allocate(env, bufferSize, "recvmsg");
  std::unique_ptr<uint64_t[]> control = Allocate(env, controlSize, "recvmsg");
  sockaddr_nl addr{};
  iovec iov{buffer.get(), bufferSize};
  msghdr msg{};
  msg.msg_name = &addr;
  msg.msg_namelen = sizeof(addr);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  // controlSize 0 means "no control buffer", so the kernel reports MSG_CTRUNC itself.
  msg.msg_control = controlSize > 0 ? control.get() : nullptr;
  msg.msg_controllen = controlSize;

  ssize_t length = recvmsg(fd, &msg, flags | MSG_DONTWAIT);
  if (length < 0) ThrowErrno(env, errno, "recvmsg");

  // With MSG_TRUNC the return value is the datagram's full length, which may exceed
  // what was copied; only min(bufferSize, length) bytes are real.
  size_t copied = std::min(bufferSize, static_cast<size_t>(length));
  Napi::Object result = Napi::Object::New(env);
  result.Set("length", Napi::Number::New(env, static_cast<double>(length)));
  result.Set("data", CopyToJs(env, reinterpret_cast<const uint8_t*>(buffer.get()), copied));
  result.Set("flags", Napi::Number::New(env, static_cast<uint32_t>(msg.msg_flags)));
  result.Set("address", AddressObject(env, addr));
  uint32_t group = 0;
  if (msg.msg_control != nullptr && PktinfoGroup(&msg, &group)) {
    result.Set("pktinfoGroup", Napi::Number::New(env, group));
  }
  ucred creds{};
  if (msg.msg_control != nullptr && Credentials(&msg, &creds)) {
    Napi::Object c = Napi::Object::New(env);
    c.Set("pid", Napi::Number::New(env, creds.pid));
    c.Set("uid", Napi::Number::New(env, creds.uid));
    c.Set("gid", Napi::Number::New(env, creds.gid));
    result.Set("credentials", c);
  }
  return result;
}

// setsockopt(fd, level, name, valueBytes): optlen is the byte length, whatever it is.
Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Bytes value = BytesArg(info, 3);
  if (setsockopt(IntArg(info, 0), IntArg(info, 1), IntArg(info, 2), value.data, value.length) != 0) {
    ThrowErrno(info.Env(), errno, "setsockopt");
  }
  return info.Env().Undefined();
}

// getsockopt(fd, level, name, optlen) -> {data, optlen}. The kernel may report an optlen
// larger than the buffer (NETLINK_LIST_MEMBERSHIPS does), so both are returned. A negative
// optlen is passed through for the kernel to reject.
Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int requested = IntArg(info, 3);
  size_t capacity = requested > 0 ? static_cast<size_t>(requested) : 0;
  std::unique_ptr<uint64_t[]> buffer = Allocate(env, capacity, "getsockopt");
  socklen_t optlen = static_cast<socklen_t>(requested);
  if (getsockopt(IntArg(info, 0), IntArg(info, 1), IntArg(info, 2), buffer.get(), &optlen) != 0) {
    ThrowErrno(env, errno, "getsockopt");
  }
  size_t filled = std::min(capacity, static_cast<size_t>(optlen));
  Napi::Object result = Napi::Object::New(env);
  result.Set("data", CopyToJs(env, reinterpret_cast<const uint8_t*>(buffer.get()), filled));
  result.Set("optlen", Napi::Number::New(env, static_cast<uint32_t>(optlen)));
  return result;
}

// poll(fd) -> revents of a zero-timeout poll for POLLIN|POLLOUT (POLLERR comes unasked).
Napi::Value Poll(const Napi::CallbackInfo& info) {
  pollfd entry{IntArg(info, 0), POLLIN | POLLOUT, 0};
  if (poll(&entry, 1, 0) < 0) ThrowErrno(info.Env(), errno, "poll");
  return Napi::Number::New(info.Env(), entry.revents);
}

}  // namespace

void RegisterSocketCalls(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket, "socket"));
  exports.Set("createNetns", Napi::Function::New(env, CreateNetnsCall, "createNetns"));
  exports.Set("close", Napi::Function::New(env, Close, "close"));
  exports.Set("bind", Napi::Function::New(env, Bind, "bind"));
  exports.Set("connect", Napi::Function::New(env, Connect, "connect"));
  exports.Set("getsockname", Napi::Function::New(env, GetSockName, "getsockname"));
  exports.Set("getpeername", Napi::Function::New(env, GetPeerName, "getpeername"));
  exports.Set("send", Napi::Function::New(env, Send, "send"));
  exports.Set("sendto", Napi::Function::New(env, SendTo, "sendto"));
  exports.Set("recvmsg", Napi::Function::New(env, RecvMsg, "recvmsg"));
  exports.Set("setsockopt", Napi::Function::New(env, SetSockOpt, "setsockopt"));
  exports.Set("getsockopt", Napi::Function::New(env, GetSockOpt, "getsockopt"));
  exports.Set("poll", Napi::Function::New(env, Poll, "poll"));
}

}  // namespace nlsim
