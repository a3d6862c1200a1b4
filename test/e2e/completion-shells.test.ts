import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_KINDS } from '../../src/core/model.js';
import { Sandbox } from '../helpers/cli.js';
import { commandTree, everyCommandAndFlag } from '../helpers/command-tree.js';
import { hasShell, octoOnPath, runShell, sq, syntaxErrors } from '../helpers/shells.js';

/**
 * zsh and fish are not on every machine (bash is, and test/e2e/completion.test.ts always runs):
 * where one is missing its tests are skipped, and the name says how to run them.
 */
const skipped = (shell: string) => (hasShell(shell) ? '' : ` (skipped: ${shell} is not installed; \`apt-get install -y ${shell}\` to run)`);

function world() {
  const sb = new Sandbox();
  const state = { env: {} as NodeJS.ProcessEnv, keyId: '', secret: '' };
  beforeAll(async () => {
    state.env = { ...sb.env, PATH: `${octoOnPath(sb)}:${process.env.PATH}` };
    await sb.json(['workspaces', 'add', 'Acme Corp', '--platform', 'intercom', '--id', 'acme']);
    const ws = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    state.keyId = ws.key.id;
    state.secret = ws.secret;
  });
  afterAll(() => sb.cleanup());
  return { sb, state };
}

async function script(sb: Sandbox, shell: string): Promise<string> {
  const r = await sb.run(['completion', shell]);
  expect(r.code, r.stderr).toBe(0);
  const file = join(sb.dir, `octo.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

describe.skipIf(!hasShell('zsh'))(`octo completion zsh${skipped('zsh')}`, () => {
  const { sb, state } = world();

  it('is valid zsh (zsh -n)', async () => {
    expect(syntaxErrors('zsh', await script(sb, 'zsh'))).toBe('');
  });

  // zsh's completion widgets run only in an interactive line editor: here compadd and compset
  // are stood in for (compadd prints what matches the typed prefix) and _octo is called as zle would.
  async function complete(lines: string[]) {
    const file = await script(sb, 'zsh');
    return runShell('zsh', ['-f'], [
      'compdef() { :; }',
      'compadd() { while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -S ]] && shift; shift; done; [[ $1 == -- ]] && shift; local w; for w; do [[ $w == "$PREFIX"* ]] && print -r -- "$IPREFIX$w"; done; }',
      // _describe NAME... : each "word:help" of the array named last, offered by its word.
      '_describe() { [[ $1 == -t ]] && shift 2; local -a items=("${(@P)2}"); compadd -- "${items[@]%%:*}"; }',
      'compset() { [[ $1 == -P ]] || return 1; local m=${(M)PREFIX##$~2}; [[ -n $m ]] || return 1; IPREFIX+=$m; PREFIX=${PREFIX#$m}; }',
      `source ${sq(file)}`,
      "__t() { words=(\"$@\"); CURRENT=$#; PREFIX=${words[CURRENT]}; IPREFIX=''; _octo; print -r -- $'\\x1e'; }",
      ...lines.map((line) => `__t ${line.split(' ').map(sq).join(' ')}`),
    ].join('\n'), state.env);
  }

  it('completes commands, --kind values, scopes after `posts:` and key ids from the keystore', async () => {
    const r = await complete(['octo keys c', 'octo keys list --kind ', 'octo keys create bearer --scope posts:', 'octo keys create bearer --scope=posts:read,acc', 'octo keys show ', 'octo keys create workspace --workspace Ac']);
    expect(r.stderr).toBe('');
    expect(r.replies).toEqual([
      ['create', 'copy', 'check'],
      [...KEY_KINDS],
      ['posts:read', 'posts:write'],
      ['--scope=posts:read,accounts:read', '--scope=posts:read,accounts:write'],
      [state.keyId],
      ['Acme Corp'],
    ]);
  });

  it('knows every command and option the program defines', async () => {
    const expected = everyCommandAndFlag(await commandTree());
    const r = await complete(expected.map((e) => e.line));
    expect(r.stderr).toBe('');
    expected.forEach((e, i) => expect(r.replies[i]!.sort(), e.what).toEqual(e.words));
  });
});

describe.skipIf(!hasShell('fish'))(`octo completion fish${skipped('fish')}`, () => {
  const { sb, state } = world();

  it('is valid fish (fish -n)', async () => {
    expect(syntaxErrors('fish', await script(sb, 'fish'))).toBe('');
  });

  async function complete(lines: string[]) {
    const file = await script(sb, 'fish');
    return runShell('fish', ['--no-config'], [
      `source ${sq(file)}`,
      ...lines.map((line) => `complete -C ${sq(line)}; printf '\\x1e\\n'`),
    ].join('\n'), state.env);
  }
  const words = (reply: string[]) => reply.map((c) => c.split('\t')[0]!).sort();

  it('completes commands, --kind values, scopes after `posts:` and key ids from the keystore (complete -C)', async () => {
    const r = await complete(['octo keys c', 'octo keys list --kind ', 'octo keys create bearer --scope posts:', 'octo keys create bearer --scope=posts:read,acc', 'octo keys show ', 'octo keys create workspace --workspace Ac']);
    expect(r.stderr).toBe('');
    // A subcommand or flag comes with its help, as fish shows it: `create<TAB>create a key: …`.
    expect(r.replies[0]).toContain('create\tcreate a key: workspace, channel, waba or bearer (asks on a terminal when something is missing)');
    expect(r.replies.map(words)).toEqual([
      ['check', 'copy', 'create'],
      [...KEY_KINDS].sort(),
      ['posts:read', 'posts:write'],
      ['--scope=posts:read,accounts:read', '--scope=posts:read,accounts:write'],
      [state.keyId],
      ['Acme Corp'],
    ]);
    expect(r.replies.flat().join('\n')).not.toContain(state.secret);
  });

  it('knows every command and option the program defines', async () => {
    const expected = everyCommandAndFlag(await commandTree());
    const r = await complete(expected.map((e) => e.line));
    expect(r.stderr).toBe('');
    expected.forEach((e, i) => expect(words(r.replies[i]!), e.what).toEqual(e.words));
  });
});
