// Argument readers for the exported functions. native/index.ts validates user input and
// always calls with the right types; these checks only stop a misuse of the raw binding
// from turning into undefined behaviour in a system call.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace nlsim {

// Bytes is a borrowed view of a Uint8Array's memory, valid while the call runs.
struct Bytes {
  const uint8_t* data;
  size_t length;
};

[[noreturn]] inline void ThrowType(Napi::Env env, size_t index, const char* expected) {
  throw Napi::TypeError::New(env, "argument " + std::to_string(index) + " must be " + expected);
}

// IntArg reads a 32-bit signed integer: fds, socket types, protocols, levels, lengths.
inline int32_t IntArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsNumber()) ThrowType(info.Env(), index, "a number");
  return info[index].As<Napi::Number>().Int32Value();
}

// UintArg reads a 32-bit unsigned integer: flag words and sizes.
inline uint32_t UintArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsNumber()) ThrowType(info.Env(), index, "a number");
  return info[index].As<Napi::Number>().Uint32Value();
}

// BytesArg reads a Uint8Array (a Buffer is one). An empty array may have no backing
// memory; a one-byte dummy keeps the pointer non-null so the kernel, not a NULL check
// in libc or a copy helper, decides what a zero length means.
inline Bytes BytesArg(const Napi::CallbackInfo& info, size_t index) {
  static const uint8_t kEmpty = 0;
  Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    ThrowType(info.Env(), index, "a Uint8Array");
  }
  Napi::Uint8Array array = value.As<Napi::Uint8Array>();
  const uint8_t* data = array.ByteLength() > 0 ? array.Data() : &kEmpty;
  return Bytes{data, array.ByteLength()};
}

}  // namespace nlsim
