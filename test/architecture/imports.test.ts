/**
 * The layering docs/architecture.md describes, checked on the source: sim/ is af_netlink and
 * imports nothing of the protocols it hosts; no import cycle spans two folders; in
 * protocols/route core/ names no other subsystem, and code outside a subsystem's folder comes
 * in through its index.ts (or includes a uapi.ts constant table).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIRS = ['sim', 'protocols', 'runner', 'native', 'captures', 'cli', 'node-netlink', 'vitest'];
const ROUTE = path.join(root, 'protocols/route');

/** sourceFiles lists the package's TypeScript sources (tests and build output left out). */
function sourceFiles(): string[] {
  const out = [path.join(root, 'index.ts')];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'build' && e.name !== 'node_modules') walk(p);
      } else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(p);
    }
  };
  for (const d of SOURCE_DIRS) walk(path.join(root, d));
  return out;
}

const SPECIFIER = /(?:^|[\s;])(?:import|export)\s*(?:type\s+)?(?:[\w*{}\s,]*?\s*from\s*)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** importsOf resolves a file's relative imports (static, type-only and dynamic) to source paths. */
function importsOf(file: string, src: string): string[] {
  const out: string[] = [];
  for (const m of src.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2]!;
    const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
    if (fs.existsSync(target)) out.push(target);
  }
  return out;
}

const files = sourceFiles();
const graph = new Map(files.map((f) => [f, importsOf(f, fs.readFileSync(f, 'utf8'))]));
const rel = (f: string) => path.relative(root, f);

/** cycles returns the strongly connected components of more than one file (Tarjan). */
function cycles(): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc);
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

/** routeFolder is the subsystem folder of a file in protocols/route ('' for route/index.ts). */
const routeFolder = (f: string) => {
  const parts = path.relative(ROUTE, f).split(path.sep);
  return parts.length > 1 ? parts[0]! : '';
};

describe('layering of the sources', () => {
  it('finds the sources it checks', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(graph.get(path.join(ROUTE, 'index.ts'))!.length).toBeGreaterThan(10);
  });

  it('sim/ imports nothing outside sim/', () => {
    const outside = files
      .filter((f) => rel(f).startsWith('sim/'))
      .flatMap((f) => graph.get(f)!.filter((t) => !rel(t).startsWith('sim/')).map((t) => `${rel(f)} -> ${rel(t)}`));
    expect(outside).toEqual([]);
  });

  it('no import cycle spans more than one folder', () => {
    const spanning = cycles()
      .map((scc) => [...new Set(scc.map((f) => path.dirname(rel(f))))])
      .filter((folders) => folders.length > 1);
    expect(spanning).toEqual([]);
  });

  it('protocols/route/core imports no other route subsystem', () => {
    const up = files
      .filter((f) => routeFolder(f) === 'core' && f.startsWith(ROUTE))
      .flatMap((f) => graph.get(f)!.filter((t) => t.startsWith(ROUTE) && routeFolder(t) !== 'core').map((t) => `${rel(f)} -> ${rel(t)}`));
    expect(up).toEqual([]);
  });

  it("code outside a route subsystem's folder comes in through its index.ts (or a uapi.ts)", () => {
    const bypass = files.flatMap((f) =>
      graph
        .get(f)!
        .filter((t) => t.startsWith(ROUTE) && routeFolder(t) !== '' && (!f.startsWith(ROUTE) || routeFolder(f) !== routeFolder(t)))
        .filter((t) => !['index.ts', 'uapi.ts'].includes(path.basename(t)))
        .map((t) => `${rel(f)} -> ${rel(t)}`),
    );
    expect(bypass).toEqual([]);
  });
});
