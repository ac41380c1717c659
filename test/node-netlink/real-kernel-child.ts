/**
 * The real-kernel half of the node-netlink differential tests: run as
 * `unshare -n node --import tsx real-kernel-child.ts <scenario>`, it runs one scenario with the
 * unmodified node-netlink and its real binding inside a fresh network namespace, and prints
 * the outcomes as JSON on stdout.
 */
import { createRequire } from 'node:module';
import { type NetlinkModule, scenarios } from './scenarios.js';

const name = process.argv[2] ?? '';
const scenario = scenarios[name];
if (!scenario) {
  console.error(`unknown scenario ${JSON.stringify(name)}`);
  process.exit(2);
}
const nl = createRequire(import.meta.url)('netlink') as NetlinkModule;
process.stdout.write(`${JSON.stringify(await scenario(nl))}\n`);
