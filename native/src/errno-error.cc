#include "errno-error.h"

#include <cstring>
#include <string>

namespace nlsim {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall) {
  // The message is only a fallback for whoever sees the raw error; the TS wrapper
  // rebuilds the message from nlsim's own strerror table.
  std::string message = std::string(syscall) + ": " + std::strerror(err);
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, err));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void ThrowErrno(Napi::Env env, int err, const char* syscall) {
  throw ErrnoError(env, err, syscall);
}

}  // namespace nlsim
