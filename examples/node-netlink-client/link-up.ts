/**
 * A small node-netlink client, written as any application would write it (it knows nothing
 * of nlsim): bring a network interface up and resolve once the kernel's RTNLGRP_LINK
 * notification says it is up.
 */
import { createRequire } from 'node:module';
import type * as Netlink from 'netlink';

// node-netlink is CommonJS; this package is ESM.
const { createRtNetlink } = createRequire(import.meta.url)('netlink') as typeof Netlink;

/** LinkUp is what bringUp() reports about the interface once it is up. */
export interface LinkUp {
  index: number;
  name: string;
  mtu: number | undefined;
  /** The notification said IFF_UP. */
  up: boolean;
}

/**
 * bringUp sets IFF_UP on `name` and waits for the notification that reports it. It rejects
 * with node-netlink's error ("Request rejected: ENODEV") when the kernel refuses.
 */
export async function bringUp(name: string): Promise<LinkUp> {
  // Subscribe before asking, or the notification could come before we listen.
  const monitor = createRtNetlink();
  const rt = createRtNetlink();
  try {
    monitor.addMembership('LINK');
    const [link] = await rt.getLink({}, { ifname: name });
    const index = link!.data.index!;
    const notified = new Promise<LinkUp>((resolve) => {
      monitor.on('message', (msgs) => {
        for (const m of msgs) {
          if (m.kind === 'link' && m.data.index === index && m.data.flags?.up) {
            resolve({ index, name: m.attrs.ifname ?? name, mtu: m.attrs.mtu, up: true });
          }
        }
      });
    });
    await rt.setLink({ index, flags: { up: true }, change: { up: true } });
    return await notified;
  } finally {
    rt.socket.close();
    monitor.socket.close();
  }
}
