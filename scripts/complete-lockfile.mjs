#!/usr/bin/env node
// Adds lockfile entries for optional platform packages the registry here does not serve.
//
// The package registry this project's machines reach serves only some of rollup's
// per-platform builds (@rollup/rollup-<os>-<cpu>[-<libc>]). `npm install` then writes a
// lockfile without entries for the others, and `npm ci` refuses that lockfile as "not in
// sync". An entry that names the platform (os, cpu, libc) lets `npm ci` skip the package
// on every other platform, as it would with a complete lockfile. Run after `npm install`
// whenever package-lock.json is regenerated. See docs/decisions/0002-lockfile-platform-packages.md.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [key, pkg] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const m = /^@rollup\/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-([a-z]+))?$/.exec(name);
    const where = `${key ? `${key}/` : ''}node_modules/${name}`;
    if (!m || packages[`node_modules/${name}`] || packages[where]) continue;
    const [, os, cpu, abi] = m;
    const entry = { version, cpu: [cpu], dev: pkg.dev ?? false, license: 'MIT', optional: true, os: [os] };
    if (abi === 'musl') entry.libc = ['musl'];
    else if (abi === 'gnu' && os === 'linux') entry.libc = ['glibc'];
    packages[`node_modules/${name}`] = entry;
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
