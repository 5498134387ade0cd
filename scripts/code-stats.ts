// npm run stats: the shape of the code in src/ (or the folders given): line
// lengths, casts per 1,000 lines and the share of documented exports, as the
// structure issue measured them against cmctl, kubectl and changesets.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

interface Counts {
  lines: number;
  nonBlank: number;
  nonBlankChars: number;
  over100: number;
  over140: number;
  longest: number;
  casts: number;
  exports: number;
  documented: number;
}

function isExported(node: ts.Node): boolean {
  const modifiers = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

function count(file: string, totals: Counts): void {
  const text = readFileSync(file, 'utf8');
  for (const line of text.split('\n')) {
    totals.lines++;
    if (line.trim() === '') continue;
    totals.nonBlank++;
    totals.nonBlankChars += line.length;
    if (line.length > 100) totals.over100++;
    if (line.length > 140) totals.over140++;
    totals.longest = Math.max(totals.longest, line.length);
  }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    const isConstCast =
      ts.isAsExpression(node) &&
      ts.isTypeReferenceNode(node.type) &&
      node.type.typeName.getText(source) === 'const';
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isConstCast)
      totals.casts++;
    if (ts.isSourceFile(node.parent) && isExported(node)) {
      totals.exports++;
      if (ts.getJSDocCommentsAndTags(node).length > 0) totals.documented++;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['src'];
const totals: Counts = {
  lines: 0,
  nonBlank: 0,
  nonBlankChars: 0,
  over100: 0,
  over140: 0,
  longest: 0,
  casts: 0,
  exports: 0,
  documented: 0,
};
const files = roots.flatMap(sourceFiles);
for (const file of files) count(file, totals);

const percent = (part: number, whole: number) =>
  `${((100 * part) / Math.max(whole, 1)).toFixed(1)} %`;
console.log(
  `${files.length} files, ${totals.lines} lines (${totals.nonBlank} not blank) in ${roots.join(', ')}`,
);
console.log(`lines over 100 characters   ${percent(totals.over100, totals.nonBlank)}`);
console.log(`lines over 140 characters   ${percent(totals.over140, totals.nonBlank)}`);
console.log(`longest line                ${totals.longest}`);
console.log(
  `mean non-blank line         ${(totals.nonBlankChars / Math.max(totals.nonBlank, 1)).toFixed(0)}`,
);
console.log(
  `casts per 1,000 lines       ${((1000 * totals.casts) / Math.max(totals.lines, 1)).toFixed(1)}`,
);
console.log(`documented exports          ${percent(totals.documented, totals.exports)}`);
