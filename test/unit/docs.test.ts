// The docs: docs/commands.md is what scripts/docs.ts makes from the command
// registry, in prettier's form, with every command and flag; every relative
// link in README.md and docs/ leads to a file and, for #anchors, a heading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import {
  COMMANDS,
  COMMANDS_DOC,
  globalFlags,
  main,
  renderCommandsDoc,
  visibleFlags,
} from '../../scripts/docs.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const rendered = renderCommandsDoc();

/** The text of each `## ` section of the rendered page, by its heading. */
const sections = new Map(
  rendered
    .split(/^## /m)
    .slice(1)
    .map((section) => [section.slice(0, section.indexOf('\n')), section] as const),
);

test('the committed docs/commands.md is what scripts/docs.ts makes (npm run docs)', () => {
  assert.equal(readFileSync(join(root, COMMANDS_DOC), 'utf8'), rendered);
  assert.equal(main(['--check']), 0);
});

test('--check exits 1 with one sentence when the file differs, and writing makes it pass', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'antrea-certs-docs-')), 'commands.md');
  const said: string[] = [];
  const stderr = { write: (text: string) => said.push(text) };
  assert.equal(main(['--check'], path, stderr), 1, 'a missing file is out of date');
  writeFileSync(path, `${rendered}\nedited by hand\n`);
  assert.equal(main(['--check'], path, stderr), 1);
  assert.deepEqual(said, [
    'docs/commands.md is out of date: run npm run docs\n',
    'docs/commands.md is out of date: run npm run docs\n',
  ]);
  assert.equal(main([], path, stderr), 0);
  assert.equal(readFileSync(path, 'utf8'), rendered);
  assert.equal(main(['--check'], path, stderr), 0);
  assert.equal(said.length, 2);
});

test('the rendered page is deterministic and prettier leaves it as it is', async () => {
  assert.equal(renderCommandsDoc(), rendered);
  const file = join(root, COMMANDS_DOC);
  const options = await prettier.resolveConfig(file);
  assert.equal(await prettier.format(rendered, { ...options, filepath: file }), rendered);
});

test('every command of the registry has its section, with its summary and each flag shown', () => {
  for (const command of COMMANDS) {
    const section = sections.get(command.name);
    assert.ok(section, `no section for ${command.name}`);
    assert.ok(section.includes(`kubectl antrea-certs ${command.name}`), command.name);
    assert.ok(section.includes(command.summary), `${command.name}: its summary`);
    assert.ok(rendered.includes(`- [${command.name}](#${command.name}): `), 'in the contents');
    for (const [name] of visibleFlags(command.flags)) {
      assert.ok(section.includes(`--${name}\``), `${command.name} --${name}`);
    }
    for (const name of Object.keys(command.positionals)) {
      assert.ok(section.includes(`\`${name}\``), `${command.name} ${name}`);
    }
    for (const [example] of command.examples) {
      assert.ok(section.includes(example.replace('$0', 'kubectl antrea-certs')), example);
    }
    const exitCodes = command.epilogue?.match(/exit code/i)
      ? command.epilogue.split('\n')[0]
      : '[Exit codes](#exit-codes)';
    assert.ok(section.includes(exitCodes ?? ''), `${command.name}: its exit codes`);
  }
  const global = sections.get('Global flags') ?? '';
  for (const [name] of visibleFlags(globalFlags)) {
    assert.ok(global.includes(`--${name}\``), `global --${name}`);
  }
  for (const code of [0, 1, 2, 3, 124, 130, 143]) {
    assert.match(sections.get('Exit codes') ?? '', new RegExp(`^\\| ${code} +\\|`, 'm'));
  }
});

test('hidden flags are left out', () => {
  const flags = {
    shown: { type: 'string', describe: 'Shown' },
    secret: { type: 'boolean', hidden: true, describe: 'Not shown' },
  } as const;
  assert.deepEqual(
    visibleFlags(flags).map(([name]) => name),
    ['shown'],
  );
});

/** GitHub's anchor of a heading: lowercase, punctuation dropped but - and _, spaces to -. */
function slugOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The lines of a Markdown file outside fenced code blocks. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').filter((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return false;
    }
    return fence === undefined;
  });
}

/** The anchors of a Markdown file's headings, numbered as GitHub numbers repeated ones. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of proseLines(text)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of a Markdown file's inline links, outside code. */
function linksOf(text: string): string[] {
  const prose = proseLines(text)
    .join('\n')
    .replace(/`[^`]*`/g, 'code');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] ?? '');
}

test('every docs link resolves: relative files exist, #anchors name a heading', () => {
  const pages = [
    join(root, 'README.md'),
    ...readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => join(root, 'docs', name)),
  ];
  const broken: string[] = [];
  let checked = 0;
  for (const page of pages) {
    for (const link of linksOf(readFileSync(page, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:
      checked += 1;
      const [path = '', anchor] = link.split('#');
      const target = path ? resolve(dirname(page), decodeURI(path)) : page;
      const where = `${relative(root, page)}: ${link}`;
      if (!existsSync(target)) {
        broken.push(`${where} (no such file)`);
      } else if (anchor !== undefined && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${where} (no such heading in ${relative(root, target)})`);
      }
    }
  }
  assert.deepEqual(broken, []);
  assert.ok(checked > 50, `only ${checked} links checked`);
});

test('README links every docs page, and each page starts with a title and a link back', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const name of readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md'))) {
    assert.ok(readme.includes(`](docs/${name}`), `README links docs/${name}`);
    const [title, blank, back] = readFileSync(join(root, 'docs', name), 'utf8').split('\n');
    assert.match(title ?? '', /^# \S/, `${name}: a title`);
    assert.equal(blank, '', name);
    assert.match(back ?? '', /\]\(\.\.\/README\.md\)/, `${name}: a link back to README`);
  }
  assert.ok(readme.split('\n').length <= 251, 'README is at most 250 lines');
});

test("anchors follow GitHub's slug rules", () => {
  assert.equal(slugOf('`kubectl antrea-certs status`'), 'kubectl-antrea-certs-status');
  assert.equal(
    slugOf('`kubectl antrea-certs mode [self-signed|user-provided]`'),
    'kubectl-antrea-certs-mode-self-signeduser-provided',
  );
  assert.equal(slugOf('Permissions (RBAC)'), 'permissions-rbac');
  assert.equal(slugOf('Ctrl-C and SIGTERM'), 'ctrl-c-and-sigterm');
  assert.equal(slugOf('snake_case and [a link](x.md)'), 'snake_case-and-a-link');
  assert.deepEqual(
    [...anchorsOf('# A\n\n```sh\n# not a heading\n```\n\n## A\n## B')],
    ['a', 'a-1', 'b'],
  );
});
