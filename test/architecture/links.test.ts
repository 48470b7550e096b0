import fs from 'node:fs';
import path from 'node:path';

// Every relative link of the README, docs/ and bench/README.md leads to a file of the repository and,
// when it names a heading (`page.md#heading`), to a heading of that page: what moved out of the README
// stays reachable from it.

const ROOT = path.resolve(__dirname, '..', '..');
const LINK = /\[[^\]]*\]\(([^)\s]+)\)/g;

function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? walk(full) : entry.name.endsWith('.md') ? [full] : [];
    });
  return [path.join(ROOT, 'README.md'), path.join(ROOT, 'bench', 'README.md'), ...walk(path.join(ROOT, 'docs'))];
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1])));
}

function brokenLinks(): string[] {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(LINK)) {
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      const [filePart, anchor] = target.split('#');
      const linked = filePart === '' ? file : path.resolve(path.dirname(file), filePart);
      const where = `${path.relative(ROOT, file)} → ${target}`;
      if (!fs.existsSync(linked)) broken.push(`${where}: no such file`);
      else if (anchor && linked.endsWith('.md') && !anchors(linked).has(anchor)) broken.push(`${where}: no such heading`);
    }
  }
  return broken;
}

describe('links of the documentation', () => {
  it('make GitHub anchors from headings', () => {
    expect(slug('Why these numbers')).toBe('why-these-numbers');
    expect(slug('What a new mutation must join')).toBe('what-a-new-mutation-must-join');
    expect(slug('Add a `mutation()`: the wrapper')).toBe('add-a-mutation-the-wrapper');
  });

  it('lead to files and headings that exist', () => {
    expect(brokenLinks()).toEqual([]);
  });
});
