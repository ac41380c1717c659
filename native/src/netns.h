// In-process network namespaces: see docs/decisions/0001-in-process-network-namespaces.md.
// A socket binds the network namespace of the task that creates it, for its whole life, so
// switching the calling thread in and out around socket() is enough to place a socket.
#pragma once

#include <napi.h>

namespace nlsim {

// CreateNetns makes a fresh network namespace (as `unshare -n` would: only `lo`, down)
// and returns an fd that refers to it. The calling thread is back in its own namespace
// when this returns, whether it succeeds or throws.
int CreateNetns(Napi::Env env);

// NetnsScope moves the calling thread into the namespace `netnsFd` refers to for the
// lifetime of the scope and back out when it ends. A negative fd means "stay here".
class NetnsScope {
 public:
  NetnsScope(Napi::Env env, int netnsFd);
  ~NetnsScope();

  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int original_ = -1;  // the namespace to return to; -1 when nothing was switched
};

}  // namespace nlsim
