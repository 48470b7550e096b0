import fs from 'node:fs';
import path from 'node:path';

// The layering of src/ (docs/architecture.md), read from the import statements of every file:
// `import`, `import type`, `export … from` and `import()` all count, so a type-only import cannot
// hide a cycle either.
//
//   kernel ← db ← access ← graphql ← rollups ← features (in their own order) ← app ← cli, main.ts
//
// The folders form a graph without cycles; the kernel imports nothing of ours but config; the
// infrastructure folders import no feature; only the composition root (app) and the command line
// import features from outside the feature folders.

const SRC = path.join(__dirname, '..', '..', 'src');
const KERNEL = 'kernel';
const INFRASTRUCTURE = ['config', 'kernel', 'db', 'access', 'graphql', 'rollups'];
const FEATURES = ['jurisdictions', 'audit', 'calendar', 'users', 'facilities', 'elderly', 'coverage', 'policies', 'targets', 'desk', 'bi', 'procedures', 'cases', 'care', 'providers', 'visits', 'compliance', 'ledger', 'funding', 'anomalies'];
const ROOTS = ['app', 'cli', '.'];

const SPECIFIER = /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The top folder of a file under src/ ('.' for files at its root). */
function folderOf(file: string): string {
  const relative = path.relative(SRC, file).split(path.sep);
  return relative.length > 1 ? relative[0] : '.';
}

interface Edge {
  from: string;
  to: string;
  file: string;
  specifier: string;
}

/** Every import of one src/ folder from another. */
export function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!specifier?.startsWith('.')) continue;
      let target = path.resolve(path.dirname(file), specifier);
      if (fs.existsSync(target) && fs.statSync(target).isDirectory()) target = path.join(target, 'index.ts');
      const from = folderOf(file);
      const to = folderOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (from !== to) edges.push({ from, to, file: path.relative(SRC, file), specifier });
    }
  }
  return edges;
}

/** A cycle of folders in `edges` (its folders in order, the first repeated last), or null. */
export function findCycle(edges: readonly Pick<Edge, 'from' | 'to'>[]): string[] | null {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (folder: string): string[] | null => {
    if (state.get(folder) === 'done') return null;
    if (state.get(folder) === 'open') return [...trail.slice(trail.indexOf(folder)), folder];
    state.set(folder, 'open');
    trail.push(folder);
    for (const to of next.get(folder) ?? []) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    trail.pop();
    state.set(folder, 'done');
    return null;
  };
  for (const folder of next.keys()) {
    const cycle = visit(folder);
    if (cycle) return cycle;
  }
  return null;
}

const describeEdges = (edges: readonly Edge[]) => edges.map((e) => `${e.file} imports ${e.specifier}`);

describe('the import graph of src/', () => {
  const edges = folderEdges();

  it('reads the imports it judges (a sanity check on the reader)', () => {
    expect(edges.some((e) => e.from === 'facilities' && e.to === KERNEL)).toBe(true);
    expect(edges.some((e) => e.from === 'app' && e.to === 'targets')).toBe(true);
  });

  it('knows every folder of src/ as infrastructure, a feature or a root', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    expect(folders.filter((folder) => ![...INFRASTRUCTURE, ...FEATURES, ...ROOTS].includes(folder))).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(findCycle(edges)).toBeNull();
  });

  it('finds a cycle when there is one (the check itself)', () => {
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }])).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle([{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }])).toBeNull();
  });

  it('keeps the kernel free of everything of ours but config', () => {
    expect(describeEdges(edges.filter((e) => e.from === KERNEL && e.to !== 'config'))).toEqual([]);
  });

  it('keeps the infrastructure folders free of features', () => {
    expect(describeEdges(edges.filter((e) => INFRASTRUCTURE.includes(e.from) && FEATURES.includes(e.to)))).toEqual([]);
  });

  it('imports the features only from features and the composition root', () => {
    const outside = edges.filter((e) => FEATURES.includes(e.to) && !FEATURES.includes(e.from) && !ROOTS.includes(e.from));
    expect(describeEdges(outside)).toEqual([]);
  });
});
