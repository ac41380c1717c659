/**
 * Who is calling: the process and user a socket acts for, and the capabilities the
 * virtual kernel believes it holds. Tests play root or an unprivileged user by passing
 * credentials to socket(); nothing here reads the real process's privileges.
 */

/** Capability names nlsim checks, as in include/uapi/linux/capability.h. */
export type Capability = 'CAP_NET_ADMIN' | 'CAP_NET_BROADCAST' | 'CAP_SYS_ADMIN' | 'CAP_AUDIT_READ' | 'CAP_NET_RAW';

/** Credentials are a caller's identity as the virtual kernel sees it. */
export interface Credentials {
  /** The thread-group id: autobind's first candidate port id. */
  pid: number;
  uid: number;
  gid: number;
  /** Capabilities held in the socket's network namespace's user namespace. */
  capabilities: ReadonlySet<Capability>;
}

/** ALL_CAPABILITIES is what root holds. */
export const ALL_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>([
  'CAP_NET_ADMIN',
  'CAP_NET_BROADCAST',
  'CAP_SYS_ADMIN',
  'CAP_AUDIT_READ',
  'CAP_NET_RAW',
]);

/** rootCredentials returns root's credentials for process `pid` (defaults to this process). */
export function rootCredentials(pid: number = process.pid): Credentials {
  return { pid, uid: 0, gid: 0, capabilities: ALL_CAPABILITIES };
}

/** userCredentials returns an ordinary user's credentials: no capabilities. Defaults to nobody (65534). */
export function userCredentials(pid: number = process.pid, uid = 65534, gid = 65534): Credentials {
  return { pid, uid, gid, capabilities: new Set() };
}

/** capable reports whether `creds` hold `cap`. Mirrors ns_capable() in the socket's netns. */
export function capable(creds: Credentials, cap: Capability): boolean {
  return creds.capabilities.has(cap);
}
