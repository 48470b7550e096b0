import fs from 'node:fs';
import path from 'node:path';
import { accessTable } from '../../src/access/roles';

describe('docs/access.md', () => {
  it('shows the access table that src/access/roles.ts defines', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'access.md'), 'utf8');
    const table = /<!-- access-table -->\n([\s\S]*?)\n<!-- \/access-table -->/.exec(readme)?.[1];
    expect(table).toBe(accessTable());
  });
});
