// nlsim_native: real AF_NETLINK sockets for nlsim's differential tests.
// The module is a thin, synchronous layer over the system calls; native/index.ts builds
// the NetlinkSocket interface and the error objects on top of it.
#include <napi.h>

#include "fd-watcher.h"
#include "socket-calls.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  nlsim::RegisterSocketCalls(env, exports);
  exports.Set("FdWatcher", nlsim::FdWatcher::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(nlsim_native, Init)
