import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Files and functions a reader can hold in mind: no file of src/ over about 350 lines and no function
// over about 90, not counting tables of data (a top-level constant that is an object or array literal
// of plain values: a catalogue of messages, a map of kinds to names).

const SRC = path.join(__dirname, '..', '..', 'src');
const MAX_FILE_LINES = 350;
const MAX_FUNCTION_LINES = 90;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function unwrap(node: ts.Expression | undefined): ts.Expression | undefined {
  let inner = node;
  while (inner && (ts.isAsExpression(inner) || ts.isSatisfiesExpression(inner) || ts.isParenthesizedExpression(inner))) inner = inner.expression;
  return inner;
}

/** Whether an expression is data: literals, and object or array literals of data. */
function isData(node: ts.Expression | undefined): boolean {
  const inner = unwrap(node);
  if (!inner) return false;
  if (ts.isArrayLiteralExpression(inner)) return inner.elements.every((element) => ts.isSpreadElement(element) ? isData(element.expression) : isData(element));
  if (ts.isObjectLiteralExpression(inner)) {
    return inner.properties.every((property) => ts.isPropertyAssignment(property) ? isData(property.initializer) : ts.isSpreadAssignment(property) || ts.isShorthandPropertyAssignment(property));
  }
  return !ts.isFunctionLike(inner) && !ts.isClassExpression(inner);
}

interface Sizes {
  files: { file: string; lines: number }[];
  functions: { file: string; name: string; line: number; lines: number }[];
}

function measure(): Sizes {
  const sizes: Sizes = { files: [], functions: [] };
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line;
    const span = (node: ts.Node) => lineOf(node.end) - lineOf(node.getStart(source)) + 1;
    const relative = path.relative(SRC, file);
    let dataLines = 0;
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      const declarations = statement.declarationList.declarations;
      const literal = declarations.every((d) => {
        const inner = unwrap(d.initializer);
        return inner !== undefined && (ts.isObjectLiteralExpression(inner) || ts.isArrayLiteralExpression(inner)) && isData(inner);
      });
      if (literal) dataLines += span(statement);
    }
    sizes.files.push({ file: relative, lines: text.split('\n').length - dataLines });
    const visit = (node: ts.Node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const parent = node.parent;
        const name =
          (node as { name?: ts.Node }).name?.getText(source) ??
          (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) ? parent.name.getText(source) : '(anonymous)');
        sizes.functions.push({ file: relative, name, line: lineOf(node.getStart(source)) + 1, lines: span(node) });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sizes;
}

describe('the size of what a reader holds in mind', () => {
  const sizes = measure();

  it('reads the files and functions it judges (a sanity check on the reader)', () => {
    expect(sizes.files.length).toBeGreaterThan(100);
    expect(sizes.functions.some((f) => f.file === path.join('audit', 'mutation.ts') && f.name === 'mutation')).toBe(true);
  });

  it(`has no file of src/ over ${MAX_FILE_LINES} lines, tables of data aside`, () => {
    expect(sizes.files.filter((f) => f.lines > MAX_FILE_LINES).map((f) => `${f.file}: ${f.lines} lines`)).toEqual([]);
  });

  it(`has no function of src/ over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(sizes.functions.filter((f) => f.lines > MAX_FUNCTION_LINES).map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines} lines`)).toEqual([]);
  });
});
