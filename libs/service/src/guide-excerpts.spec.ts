import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const GUIDE = 'docs/build-your-own-service.md';

/** The guide's code blocks that name their file (```ts <path>), each with the lines it shows. */
const excerpts = [...readFileSync(join(ROOT, GUIDE), 'utf8').matchAll(/^( *)```ts (\S+)\n([\s\S]*?)^\1```$/gm)].map(([, indent = '', path = '', body = '']) => ({
  path,
  lines: body
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)),
}));

/** Whether `lines` are a run of the file's lines, all shifted by one indentation. */
function appearsIn(file: string, lines: readonly string[]): boolean {
  const fileLines = file.split('\n');
  const [first = ''] = lines;
  return fileLines.some((candidate, start) => {
    if (!candidate.endsWith(first) || candidate.slice(0, candidate.length - first.length).trim() !== '') return false;
    const indent = candidate.slice(0, candidate.length - first.length);
    return lines.every((line, i) => fileLines[start + i] === (line === '' ? '' : indent + line));
  });
}

describe(`the code excerpts of ${GUIDE}`, () => {
  it('are there', () => {
    expect(excerpts.length).toBeGreaterThan(5);
  });

  it.each(excerpts.map((e) => [e.path, e] as const))('%s: the excerpt is the file as it is', (_path, { path, lines }) => {
    const file = readFileSync(join(ROOT, path), 'utf8');
    expect(appearsIn(file, lines)).toBe(true);
  });
});
