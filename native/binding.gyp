# Builds nlsim_native.node: the N-API binding to real AF_NETLINK sockets that nlsim's
# differential tests use as their oracle. Linux only; native/build.mjs skips other systems.
{
  "targets": [
    {
      "target_name": "nlsim_native",
      "sources": [
        "src/addon.cc",
        "src/errno-error.cc",
        "src/fd-watcher.cc",
        "src/netns.cc",
        "src/socket-calls.cc"
      ],
      # node-addon-api's header-only target, with C++ exceptions turned on so that a failed
      # system call can simply `throw` its errno up to the JS boundary.
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags_cc": [ "-Wall", "-Wextra", "-Wno-unused-parameter" ]
    }
  ]
}
