/* Prints the bridge protocol's numbers and struct layout as the C compiler sees them, for
 * test/runner/bridge-protocol.test.ts to hold against runner/bridge-protocol.ts. */
#include <stddef.h>
#include <stdio.h>

#include "../../native/preload/nlsim-bridge.h"

#define FIELD(type, field) printf("\"%s.%s\": [%zu, %zu],\n", #type, #field, offsetof(struct type, field), sizeof(((struct type *)0)->field))

int main(void) {
  printf("{\n");
  FIELD(bridge_request, len);
  FIELD(bridge_request, op);
  FIELD(bridge_request, key);
  FIELD(bridge_request, pid);
  FIELD(bridge_request, flags);
  FIELD(bridge_reply, len);
  FIELD(bridge_reply, result);
  FIELD(bridge_reply, drain);
  FIELD(bridge_recv_reply, msg_flags);
  FIELD(bridge_recv_reply, nl_pid);
  FIELD(bridge_recv_reply, nl_groups);
  FIELD(bridge_recv_reply, control_len);
  FIELD(bridge_record_body, tv_sec);
  FIELD(bridge_record_body, tv_nsec);
  FIELD(bridge_record_body, protocol);
  FIELD(bridge_record_body, direction);
  FIELD(bridge_record_body, length);
  FIELD(bridge_dev_ioctl_body, version);
  FIELD(bridge_dev_ioctl_body, cmd);
  FIELD(bridge_dev_ioctl_body, family);
  FIELD(bridge_dev_ioctl_body, flags);
  FIELD(bridge_dev_ioctl_body, ifc_len);
  FIELD(bridge_dev_ioctl_body, ifr);
  printf("\"dev_ioctl\": [%u, %u, %u, %d, %zu],\n", BRIDGE_DEV_IOCTL_VERSION, BRIDGE_DEV_IOCTL_NULL_BUF, BRIDGE_DEV_LIST,
         BRIDGE_IFREQ_LEN, sizeof(struct bridge_dev_ioctl_body));
  printf("\"sizes\": [%zu, %zu, %zu, %zu, %zu, %zu],\n", sizeof(struct bridge_request), sizeof(struct bridge_reply),
         sizeof(struct bridge_recv_reply), sizeof(struct bridge_socket_body), sizeof(struct bridge_recv_body),
         sizeof(struct bridge_record_body));
  printf("\"ops\": [%d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d, %d],\n", BRIDGE_OP_SOCKET, BRIDGE_OP_BIND,
         BRIDGE_OP_CONNECT, BRIDGE_OP_GETSOCKNAME, BRIDGE_OP_GETPEERNAME, BRIDGE_OP_SENDMSG, BRIDGE_OP_RECVMSG,
         BRIDGE_OP_SETSOCKOPT, BRIDGE_OP_GETSOCKOPT, BRIDGE_OP_CLOSE, BRIDGE_OP_LOOKUP, BRIDGE_OP_UEVENT,
         BRIDGE_OP_RECORD, BRIDGE_OP_DEV_IOCTL);
  printf("\"record\": [%u, %d, %d, \"%s\"],\n", BRIDGE_UEVENT_UDEV, BRIDGE_RECORD_SENT, BRIDGE_RECORD_RECEIVED,
         NLSIM_RECORD_ENV);
  printf("\"constants\": [%u, %u, \"%s\", %u]\n", BRIDGE_TOKEN, BRIDGE_MAX_FRAME, NLSIM_SOCKET_ENV, BRIDGE_TOKEN_ERROR);
  printf("}\n");
  return 0;
}
