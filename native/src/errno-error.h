// Failed system calls cross the JS boundary as one shape: an Error carrying the positive
// Linux errno (`errno`) and the name of the call (`syscall`). native/index.ts turns that
// into a NetlinkError, so the errno-name table lives in one place (sim/uapi/errno.ts).
#pragma once

#include <napi.h>

namespace nlsim {

// ErrnoError builds the error for `err` (a positive errno) raised by `syscall`.
Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall);

// ThrowErrno throws ErrnoError as a C++ exception; node-addon-api rethrows it into JS.
[[noreturn]] void ThrowErrno(Napi::Env env, int err, const char* syscall);

}  // namespace nlsim
