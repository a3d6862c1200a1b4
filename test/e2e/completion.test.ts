import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupArgValues, lookupOptionValues } from '../../src/cli/completion-values.js';
import { commandPath } from '../../src/cli/session.js';
import { CHANNEL_TYPES, KEY_KINDS, KEY_STATUSES, PLATFORMS } from '../../src/core/model.js';
import { Sandbox } from '../helpers/cli.js';
import { commandTree, everyCommandAndFlag } from '../helpers/command-tree.js';
import { bashWords, octoOnPath, runShell, sq } from '../helpers/shells.js';

describe('octo completion bash, run in a real bash', () => {
  const sb = new Sandbox();
  const script = join(sb.dir, 'octo.bash');
  let env: NodeJS.ProcessEnv;
  let ids: { workspaceKey: string; bearer: string; secret: string };

  beforeAll(async () => {
    const r = await sb.run(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    writeFileSync(script, r.stdout);
    env = { ...sb.env, PATH: `${octoOnPath(sb)}:${process.env.PATH}` };
    await sb.json(['workspaces', 'add', 'Acme Corp', '--platform', 'intercom', '--id', 'acme']);
    const ws = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const bearer = await sb.json<{ key: { id: string } }>(['keys', 'create', 'bearer', '--name', 'CI']);
    ids = { workspaceKey: ws.key.id, bearer: bearer.key.id, secret: ws.secret };
  });
  afterAll(() => sb.cleanup());

  /** What the completion function offers for each line (cursor at its end), as bash would call it. */
  function complete(lines: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const cases = lines.map((line) => {
      const words = bashWords(line);
      return `__t ${sq(line)} ${words.map(sq).join(' ')}`;
    });
    return runShell('bash', [], [
      `source ${sq(script)}`,
      '__t() { COMP_LINE=$1; COMP_POINT=${#1}; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _octo; printf \'%s\\n\' "${COMPREPLY[@]}"; printf \'\\036\\n\'; }',
      ...cases,
    ].join('\n'), { ...env, ...extraEnv });
  }

  it('registers _octo for octo (complete -p), after `source <(octo completion bash)`', () => {
    const r = runShell('bash', [], 'source <(octo completion bash) && complete -p octo && printf "\\036\\n"', env);
    expect(r.stderr).toBe('');
    expect(r.replies).toEqual([['complete -F _octo octo']]);
  });

  it('completes commands, subcommands, flags and the values of --kind, --status, --type, --platform', () => {
    const r = complete([
      'octo ke',
      'octo keys c',
      'octo keys list --k',
      'octo keys list --kind ',
      'octo keys list --status ',
      'octo channels add "Support" --type ',
      'octo workspaces add Acme --platform h',
      'octo keys create ',
      'octo help keys cr',
      'octo --json keys rot',
    ]);
    expect(r.stderr).toBe('');
    expect(r.replies).toEqual([
      ['keys'],
      ['create', 'copy', 'check'],
      ['--kind'],
      [...KEY_KINDS],
      [...KEY_STATUSES],
      [...CHANNEL_TYPES],
      [PLATFORMS.find((p) => p.startsWith('h'))],
      [...KEY_KINDS],
      ['create'],
      ['rotate'],
    ]);
  });

  it('completes scopes after `posts:` (bash splits words at the colon), after --scope=, and in a comma list', () => {
    const r = complete([
      'octo keys create bearer --scope posts:',
      'octo keys create bearer --scope=posts:w',
      'octo keys create bearer --scope posts:read,accounts:',
      'octo keys scope key_x --add handoff',
    ]);
    expect(r.stderr).toBe('');
    // bash replaces what follows the last colon: `posts:` + `read` is `posts:read`.
    expect(r.replies).toEqual([
      ['read', 'write'],
      ['write'],
      ['read', 'write'],
      ['handoff-analytics:read'],
    ]);
  });

  it('completes key ids and subject ids and names from the keystore, never a secret', () => {
    const r = complete([
      'octo keys show ',
      `octo keys revoke ${ids.bearer.slice(0, 9)}`,
      'octo audit --key ',
      'octo keys create workspace --workspace ',
      'octo keys create workspace --workspace=Ac',
      'octo keys verify ',
    ]);
    expect(r.stderr).toBe('');
    const keyIds = [ids.workspaceKey, ids.bearer].sort();
    expect(r.replies[0]!.sort()).toEqual(keyIds);
    expect(r.replies[1]).toContain(ids.bearer);
    expect(r.replies[2]!.sort()).toEqual(keyIds);
    // A name with a space comes back escaped, ready for the command line.
    expect(r.replies[3]).toEqual(['acme', 'Acme\\ Corp']);
    expect(r.replies[4]).toEqual(['Acme\\ Corp']);
    // `keys verify` takes the key itself: nothing is offered.
    expect(r.replies[5]).toEqual([]);
    expect(r.replies.flat().join('\n')).not.toContain(ids.secret);
  });

  it('with no keystore lists nothing, says nothing and creates nothing; --db on the line is the keystore read', () => {
    const missing = join(sb.dir, 'nowhere', 'keystore.db');
    const r = complete(['octo keys show ', `octo --db ${sb.db} keys show `], { OCTO_DB: missing });
    expect(r.stderr).toBe('');
    expect(r.replies[0]).toEqual([]);
    expect(r.replies[1]!.sort()).toEqual([ids.workspaceKey, ids.bearer].sort());
    expect(existsSync(join(sb.dir, 'nowhere'))).toBe(false);
  });

  it('completes file names for --db, --body and the file of backup and restore', () => {
    writeFileSync(join(sb.dir, 'backup-2026.db'), '');
    const r = complete([`octo restore ${sb.dir}/backup-`, `octo --db ${sb.dir}/backup-`, `octo webhooks verify --body ${sb.dir}/backup-`]);
    expect(r.replies).toEqual([[`${sb.dir}/backup-2026.db`], [`${sb.dir}/backup-2026.db`], [`${sb.dir}/backup-2026.db`]]);
  });

  it('knows every command and option the program defines: subcommands of each group, flags of each command', async () => {
    const expected = everyCommandAndFlag(await commandTree());
    const r = complete(expected.map((e) => e.line));
    expect(r.stderr).toBe('');
    expected.forEach((e, i) => expect(r.replies[i]!.sort(), e.what).toEqual(e.words));
  });
});

describe('the completion data', () => {
  it('says what every option value and every argument of the tree completes to (a new option is a decision)', async () => {
    const missing: string[] = [];
    for (const c of await commandTree()) {
      const path = commandPath(c);
      for (const o of c.options) {
        if ((o.required || o.optional) && !lookupOptionValues(path, o.long!)) missing.push(`${path} ${o.long}`);
      }
      for (const a of c.registeredArguments) if (!lookupArgValues(path, a.name())) missing.push(`${path} <${a.name()}>`);
    }
    expect(missing, 'add them to src/cli/completion-values.ts').toEqual([]);
  });
});

describe('octo completion and octo __complete', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  it('an unknown shell is a usage error that names the shells', async () => {
    const r = await sb.run(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('error: unknown shell "tcsh"\nhint: pass one of: bash, zsh, fish, e.g. `octo completion bash`\n');
  });

  it('--help says how to install each script', async () => {
    const r = await sb.run(['completion', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('source <(octo completion bash)');
    expect(r.stdout).toContain('octo completion zsh > "${fpath[1]}/_octo"');
    expect(r.stdout).toContain('octo completion fish > ~/.config/fish/completions/octo.fish');
  });

  it('__complete prints ids one per line, or {"values": [...]} with --json; never a secret', async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'hubspot', '--id', 'acme']);
    const { key, secret } = await sb.json<{ key: { id: string }; secret: string }>(['keys', 'create', 'workspace', '--workspace', 'acme']);
    const r = await sb.run(['__complete', 'keys', key.id.slice(0, 6)]);
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: `${key.id}\n` });
    expect(await sb.json(['__complete', 'workspaces'])).toEqual({ values: ['acme', 'Acme'] });
    expect((await sb.run(['__complete', 'keys'])).stdout).not.toContain(secret);
  });

  it('__complete with an unknown source is a usage error; it is not listed in help', async () => {
    const r = await sb.run(['__complete', 'secrets']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: unknown completion source "secrets"');
    expect((await sb.run(['--help'])).stdout).not.toContain('__complete');
  });
});
