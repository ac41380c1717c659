// attachNodeNetlink's own contract: what it patches, what restoring puts back, and that
// node-netlink sees nothing synchronously (replies come on a later turn of the event loop).
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKernel } from '../../protocols/index.js';
import { NETLINK_ROUTE } from '../../sim/uapi/netlink.js';
import { registerRoute } from '../../protocols/route/index.js';
import { attachNodeNetlink, simSocketOf } from '../../node-netlink/index.js';
import type { NetlinkModule } from './scenarios.js';

const require = createRequire(import.meta.url);
const nl = require('netlink') as NetlinkModule;
/** The binding object raw.js holds, loaded the way raw.js loads it. */
const binding = require('node-gyp-build')(require.resolve('netlink/package.json').replace(/package\.json$/, '')) as { NativeNetlink: unknown };
const realClass = binding.NativeNetlink;

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('attachNodeNetlink', () => {
  it('swaps the class on the binding raw.js holds, and restore puts the real one back', () => {
    restore = attachNodeNetlink(createKernel());
    expect(binding.NativeNetlink).not.toBe(realClass);
    const sock = new nl.RawNetlinkSocket(NETLINK_ROUTE);
    const native = (sock as unknown as { __native: object }).__native;
    expect(simSocketOf(native)?.protocol).toBe(NETLINK_ROUTE);
    sock.close();
    restore();
    restore();
    expect(binding.NativeNetlink).toBe(realClass);
  });

  it('refuses a second attach until the first is restored', () => {
    restore = attachNodeNetlink(createKernel());
    expect(() => attachNodeNetlink(createKernel())).toThrow(expect.objectContaining({ code: 'ERR_NLSIM_INVALID_ARGUMENT' }));
  });

  it('sockets talk to the kernel they were opened on', async () => {
    const kernel = createKernel();
    restore = attachNodeNetlink(kernel);
    const rt = nl.createRtNetlink();
    await rt.setLink({ index: 1 }, { mtu: 1280 });
    rt.socket.close();
    expect(registerRoute(kernel).state.links(kernel.initNet).byIndex(1)?.mtu).toBe(1280);
  });

  it('opens sockets in the namespace given', async () => {
    const kernel = createKernel();
    const ns = kernel.createNamespace('client');
    restore = attachNodeNetlink(kernel, { netns: ns });
    const rt = nl.createRtNetlink();
    await rt.setLink({ index: 1 }, { mtu: 1280 });
    rt.socket.close();
    const route = registerRoute(kernel);
    expect([route.state.links(ns).byIndex(1)?.mtu, route.state.links(kernel.initNet).byIndex(1)?.mtu]).toEqual([1280, 65536]);
  });

  it('delivers nothing synchronously: the send callback, then the reply, on later turns', async () => {
    restore = attachNodeNetlink(createKernel());
    const sock = new nl.RawNetlinkSocket(NETLINK_ROUTE);
    const events: string[] = [];
    const replied = new Promise<void>((resolve) => sock.on('message', () => (events.push('message'), resolve())));
    const request = Buffer.alloc(32);
    request.writeUInt32LE(32, 0);
    request.writeUInt16LE(18, 4); // RTM_GETLINK
    request.writeUInt16LE(0x301, 6); // NLM_F_REQUEST | NLM_F_DUMP
    sock.send(request, {}, () => events.push('sent'));
    events.push('send returned');
    await replied;
    sock.close();
    expect(events).toEqual(['send returned', 'sent', 'message', 'message']);
  });

  it('runs node-netlink where its binding cannot load (a copy of the package without prebuilds)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'nlsim-no-binding-'));
    try {
      const pkg = join(root, 'node_modules', 'netlink');
      const original = dirname(require.resolve('netlink/package.json'));
      cpSync(join(original, 'dist'), join(pkg, 'dist'), { recursive: true });
      cpSync(join(original, 'package.json'), join(pkg, 'package.json'));
      symlinkSync(dirname(require.resolve('node-gyp-build/package.json')), join(root, 'node_modules', 'node-gyp-build'));
      const requireCopy = createRequire(join(root, 'index.js'));
      expect(() => requireCopy('netlink')).toThrow(/No native build/);

      restore = attachNodeNetlink(createKernel(), { from: root });
      const copy = requireCopy('netlink') as NetlinkModule;
      const rt = copy.createRtNetlink();
      expect((await rt.getLinks()).map((l) => l.attrs.ifname)).toEqual(['lo']);
      rt.socket.close();
      restore();
      // raw.js keeps the stand-in; without nlsim attached it fails as the binding did.
      expect(() => new copy.RawNetlinkSocket(NETLINK_ROUTE)).toThrow(/No native build/);
      expect(binding.NativeNetlink).toBe(realClass);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
