/**
 * The NETLINK_TEST echo service as a generic netlink family, the way a new kernel interface
 * would be written today: family "nlsim_echo", resolved through nlctrl, one command that
 * answers with the text it was sent and the running count, and a multicast group on which
 * every echo is announced.
 */
import type { VirtualKernel } from '../../sim/kernel.js';
import { NLA } from '../../sim/wire/policy.js';
import type { GenlFamily } from '../generic/family.js';
import { registerGeneric } from '../generic/index.js';

/** ECHO_FAMILY_NAME is the family's name, as nlctrl reports it. */
export const ECHO_FAMILY_NAME = 'nlsim_echo';
/** Commands of the family. */
export const ECHO_CMD = { ECHO_CMD_UNSPEC: 0, ECHO_CMD_ECHO: 1, ECHO_CMD_ECHOED: 2 } as const;
/** Attributes of the family. */
export const ECHO_ATTR = { ECHO_ATTR_UNSPEC: 0, ECHO_ATTR_MSG: 1, ECHO_ATTR_COUNT: 2 } as const;
/** ECHO_GROUP is the name of the multicast group announcing each echo. */
export const ECHO_GROUP = 'events';

/**
 * loadGenlEcho registers the family in `kernel` (NETLINK_GENERIC is loaded if needed) and
 * returns it; its id and group id are allocated as Linux allocates them.
 */
export function loadGenlEcho(kernel: VirtualKernel): GenlFamily {
  const generic = registerGeneric(kernel);
  let count = 0;
  return generic.defineFamily({
    name: ECHO_FAMILY_NAME,
    version: 1,
    maxattr: ECHO_ATTR.ECHO_ATTR_COUNT,
    policy: [undefined, { type: NLA.NLA_NUL_STRING, len: 255 }, { type: NLA.NLA_U32 }],
    mcgrps: [{ name: ECHO_GROUP }],
    // Every command is new: strict header and attribute checks, as for a modern family.
    resvStartOp: 0,
    ops: [
      {
        cmd: ECHO_CMD.ECHO_CMD_ECHO,
        doit(info) {
          const msg = info.attrs[ECHO_ATTR.ECHO_ATTR_MSG];
          if (!msg) {
            info.extack.message = 'missing ECHO_ATTR_MSG';
            info.extack.missingType = ECHO_ATTR.ECHO_ATTR_MSG;
            return 'EINVAL';
          }
          count++;
          const body = (w: import('../../sim/wire/attr-writer.js').AttrWriter) => {
            w.string(ECHO_ATTR.ECHO_ATTR_MSG, msg.string());
            w.u32(ECHO_ATTR.ECHO_ATTR_COUNT, count);
          };
          info.notify(0, ECHO_CMD.ECHO_CMD_ECHOED, body);
          return info.reply(ECHO_CMD.ECHO_CMD_ECHO, body);
        },
      },
    ],
  });
}
