#include "netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>

#include "errno-error.h"

namespace nlsim {

namespace {

// thread-self rather than self: namespaces belong to threads, and /proc/self/ns/net names
// the main thread's, which is wrong if this ever runs in a worker thread.
constexpr const char kThreadNetns[] = "/proc/thread-self/ns/net";

// OpenCurrentNetns returns an fd for the calling thread's namespace, or throws.
int OpenCurrentNetns(Napi::Env env) {
  int fd = open(kThreadNetns, O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowErrno(env, errno, "open");
  return fd;
}

// ReturnTo puts the thread back into `original`. Failing here would leave every later
// host socket silently in the wrong namespace, which is worse than stopping, so it aborts
// with a message. setns() into a namespace the thread just left cannot fail in practice.
void ReturnTo(int original) {
  if (setns(original, CLONE_NEWNET) != 0) {
    Napi::Error::Fatal("nlsim_native", "setns() back to the original network namespace failed");
  }
}

}  // namespace

int CreateNetns(Napi::Env env) {
  int original = OpenCurrentNetns(env);
  if (unshare(CLONE_NEWNET) != 0) {
    int err = errno;
    close(original);
    ThrowErrno(env, err, "unshare");
  }
  int fresh = open(kThreadNetns, O_RDONLY | O_CLOEXEC);
  int openErr = errno;
  // The new namespace stays alive through `fresh`; the thread itself goes home.
  ReturnTo(original);
  close(original);
  if (fresh < 0) ThrowErrno(env, openErr, "open");
  return fresh;
}

NetnsScope::NetnsScope(Napi::Env env, int netnsFd) {
  if (netnsFd < 0) return;
  int original = OpenCurrentNetns(env);
  if (setns(netnsFd, CLONE_NEWNET) != 0) {
    int err = errno;
    close(original);
    ThrowErrno(env, err, "setns");
  }
  original_ = original;
}

NetnsScope::~NetnsScope() {
  if (original_ < 0) return;
  ReturnTo(original_);
  close(original_);
}

}  // namespace nlsim
