#include "fd-watcher.h"

#include "args.h"
#include "errno-error.h"

namespace nlsim {

Napi::Function FdWatcher::Define(Napi::Env env) {
  return DefineClass(env, "FdWatcher", {InstanceMethod<&FdWatcher::Close>("close")});
}

FdWatcher::FdWatcher(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<FdWatcher>(info), env_(info.Env()) {
  Napi::Env env = info.Env();
  int fd = IntArg(info, 0);
  if (!info[1].IsFunction()) ThrowType(env, 1, "a function");

  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    throw Napi::Error::New(env, "FdWatcher: no libuv loop for this environment");
  }
  auto* handle = new uv_poll_t;
  int err = uv_poll_init(loop, handle, fd);
  if (err != 0) {
    // An un-initialised handle was never registered with the loop: plain delete is right.
    delete handle;
    ThrowErrno(env, -err, "uv_poll_init");
  }
  handle->data = this;
  err = uv_poll_start(handle, UV_READABLE, OnPoll);
  if (err != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(handle), OnClosed);
    ThrowErrno(env, -err, "uv_poll_start");
  }
  handle_ = handle;
  listener_ = Napi::Persistent(info[1].As<Napi::Function>());
  // An async context makes listener calls proper callbacks: async_hooks see them, and
  // promise jobs and nextTicks queued by the listener run as soon as it returns.
  context_ = std::make_unique<Napi::AsyncContext>(env, "nlsim:FdWatcher", info.This().As<Napi::Object>());
  // While polling, the JS object must outlive any loss of references on the JS side,
  // since OnPoll reaches it through handle->data.
  Ref();
  referenced_ = true;
  // Worker threads tear their loop down and abort on a handle left open.
  napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
}

FdWatcher::~FdWatcher() {
  // Reached while polling only at environment teardown, when the JS reference is being
  // deleted anyway: release the handle but leave the reference alone.
  referenced_ = false;
  Stop();
}

Napi::Value FdWatcher::Close(const Napi::CallbackInfo& info) {
  Stop();
  return info.Env().Undefined();
}

void FdWatcher::Stop() {
  if (handle_ == nullptr) return;
  uv_poll_t* handle = handle_;
  handle_ = nullptr;
  // uv_poll_stop removes the fd from epoll now; the handle memory lives until OnClosed.
  uv_poll_stop(handle);
  handle->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(handle), OnClosed);
  napi_remove_env_cleanup_hook(env_, OnEnvCleanup, this);
  listener_.Reset();
  context_.reset();
  // Let the JS object be collected again once nothing in JS refers to it.
  if (referenced_) {
    referenced_ = false;
    Unref();
  }
}

void FdWatcher::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* self = static_cast<FdWatcher*>(handle->data);
  if (self == nullptr) return;
  Napi::Env env(self->env_);
  Napi::HandleScope scope(env);
  try {
    self->listener_.MakeCallback(self->Value(), {}, *self->context_);
  } catch (const Napi::Error& error) {
    // A throwing listener is an uncaught exception of the program, as for any event.
    napi_fatal_exception(env, error.Value());
  }
  // The listener may have closed the watcher: the handle is then closing and `self` may
  // already be unreferenced, so touch nothing more.
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return;
  // On POLLERR (a netlink socket's sk_err, e.g. ENOBUFS after an overrun) libuv reports
  // a negative status and stops the handle. The listener has now seen the error; resume
  // so that later datagrams are still noticed.
  if (status < 0) uv_poll_start(handle, UV_READABLE, OnPoll);
}

void FdWatcher::OnClosed(uv_handle_t* handle) {
  delete reinterpret_cast<uv_poll_t*>(handle);
}

void FdWatcher::OnEnvCleanup(void* self) {
  static_cast<FdWatcher*>(self)->Stop();
}

}  // namespace nlsim
