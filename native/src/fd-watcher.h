// FdWatcher calls a JS function each time an fd becomes readable, using a libuv poll handle
// on the Node event loop (no threads). native/index.ts keeps at most one per socket, since
// libuv forbids two active poll handles on one fd.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>

namespace nlsim {

// JS: `new FdWatcher(fd, listener)` starts watching; `watcher.close()` stops for good.
class FdWatcher : public Napi::ObjectWrap<FdWatcher> {
 public:
  static Napi::Function Define(Napi::Env env);

  explicit FdWatcher(const Napi::CallbackInfo& info);
  ~FdWatcher() override;

 private:
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Stop stops polling and hands the handle to uv_close; idempotent. Must run before the
  // fd is closed, so that epoll never holds a stale (possibly reused) descriptor.
  void Stop();

  static void OnPoll(uv_poll_t* handle, int status, int events);
  static void OnClosed(uv_handle_t* handle);
  static void OnEnvCleanup(void* self);

  napi_env env_;
  uv_poll_t* handle_ = nullptr;  // null once stopped; libuv frees it in OnClosed
  Napi::FunctionReference listener_;
  std::unique_ptr<Napi::AsyncContext> context_;
  bool referenced_ = false;  // holds a Ref() on the JS object while polling
};

}  // namespace nlsim
