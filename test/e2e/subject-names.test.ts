import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers/cli.js';
import { dumpKeystore } from '../helpers/keystore.js';
import { runHinted } from '../helpers/hints.js';

/** How to add one subject of each type, with the flags its type needs (the world below has acme and w1). */
const TYPES = [
  { type: 'workspace', group: 'workspaces', flag: '--workspace', add: ['--platform', 'intercom'], existing: { id: 'acme', name: 'Acme' } },
  { type: 'waba', group: 'wabas', flag: '--waba', add: ['--workspace', 'acme'], existing: { id: 'w1', name: 'AcmeWABA' } },
  { type: 'channel', group: 'channels', flag: '--channel', add: ['--workspace', 'acme', '--type', 'sms'], existing: { id: 'sms1', name: 'Support-line' } },
] as const;

describe('subject names never shadow ids, and a duplicate names the subject that exists', () => {
  const sb = new Sandbox();
  afterAll(() => sb.cleanup());

  beforeAll(async () => {
    await sb.json(['workspaces', 'add', 'Acme', '--platform', 'intercom', '--id', 'acme']);
    await sb.json(['wabas', 'add', 'AcmeWABA', '--workspace', 'acme', '--id', 'w1']);
    await sb.json(['channels', 'add', 'Support-line', '--workspace', 'acme', '--type', 'sms', '--id', 'sms1']);
  });

  for (const t of TYPES) {
    const { id, name } = t.existing;
    const add = (...args: string[]) => sb.run([t.group, 'add', ...args, ...t.add, '--json']);

    it(`${t.type}: a name equal to another ${t.type}'s id is refused, leaving the keystore as it was`, async () => {
      const before = dumpKeystore(sb.db);
      const r = await add(id);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr)).toMatchObject({
        error: { code: 'conflict', message: `the name "${id}" is the id of the ${t.type} "${name}" (${id}): ${t.flag} ${id} would select that one` },
      });
      expect(dumpKeystore(sb.db)).toEqual(before);
      const human = await sb.run([t.group, 'add', id, ...t.add]);
      expect(human.stderr).toMatch(/^hint: choose another name; see them with `octo .* list`/m);
      expect((await runHinted(sb, human.stderr)).code).toBe(0);
    });

    it(`${t.type}: an --id equal to another ${t.type}'s name is refused (the mirror case)`, async () => {
      const r = await add('Something else', '--id', name);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr).error.message).toBe(`the id "${name}" is the name of the ${t.type} "${name}" (${id}): ${t.flag} ${name} would select that one`);
    });

    it(`${t.type}: a duplicate name names the ${t.type} that exists, not a freshly generated id`, async () => {
      const r = await add(name);
      expect(r.code).toBe(1);
      const error = JSON.parse(r.stderr).error as { message: string; hint: string };
      expect(error.message).toBe(`the ${t.type} "${name}" (${id}) already has the name "${name}"`);
      expect(error.hint).toContain(`${t.flag} ${id}`);
      expect(error.message).not.toMatch(/\b(ws|waba|ch)_[0-9A-Za-z]{10}\b/);
    });

    it(`${t.type}: a duplicate --id names the ${t.type} that has it`, async () => {
      const r = await add('Fresh name', '--id', id);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stderr).error).toMatchObject({ message: `the ${t.type} "${name}" (${id}) already has the id "${id}"`, hint: expect.stringContaining('choose another --id') });
    });
  }

  it('a subject may carry its own id as its name', async () => {
    const r = await sb.json<{ workspace: { id: string; name: string } }>(['workspaces', 'add', 'initech', '--platform', 'hubspot', '--id', 'initech']);
    expect(r.workspace).toMatchObject({ id: 'initech', name: 'initech' });
  });

  it('the same name in another subject type is no clash (each flag reads its own type)', async () => {
    const r = await sb.json<{ waba: { id: string } }>(['wabas', 'add', 'acme', '--workspace', 'acme']);
    expect(r.waba.id).toMatch(/^waba_/);
  });
});
