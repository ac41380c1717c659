// The AF_NETLINK system calls, one exported function each. Every call is made exactly as
// the arguments say (no validation beyond types) so that the kernel, not this binding,
// decides which errno a bad argument deserves: that is what makes it a useful oracle.
#pragma once

#include <napi.h>

namespace nlsim {

// RegisterSocketCalls adds socket, close, bind, connect, getsockname, getpeername, send,
// sendto, recvmsg, setsockopt, getsockopt, poll and createNetns to `exports`.
void RegisterSocketCalls(Napi::Env env, Napi::Object exports);

}  // namespace nlsim
