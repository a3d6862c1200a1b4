import type { Command } from 'commander';
import { createKey, importBearerHash } from '../app/keys.js';
import { parseDuration, parseRateLimit } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import { parseKey } from '../core/key-format.js';
import { keyView } from '../core/model.js';
import { act, type Session } from './session.js';
import { readStdin } from './stdin.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/**
 * `octo keys import [KEY|-]`: one existing key into the keystore, by its secret (its kind read from
 * its prefix) or, for a bearer key, by its SHA-256 alone; the same rules and audit entry as
 * `keys create`, and as a key of a fixtures file. The secret is never printed back.
 */
export function registerKeyImport(keys: Command, session: Session): void {
  const { out } = session;
  keys.command('import [key]')
    .description('bring one existing key into the keystore: its secret (or -, or $OCTO_KEY), or a bearer key\'s --hash')
    .option('--workspace <ws>', 'the workspace of a workspace key (octo_ws_)')
    .option('--channel <ch>', 'the channel of a channel key (octo_ch_)')
    .option('--waba <waba>', 'the WABA of a WABA key (octo_wa_)')
    .option('--name <name>', 'the key\'s name (required for a bearer key)')
    .option('--scope <scope>', 'a bearer key\'s scope, repeatable; none = full access', collect)
    .option('--expires-in <duration>', 'a bearer key expires after DURATION, e.g. 90d')
    .option('--rate-limit <n/window>', 'at most N requests per window, e.g. 100/1m')
    .option('--hash <sha256>', 'a bearer key known only by the SHA-256 of the whole key (64 hex digits)')
    .option('--test', 'with --hash: a test key (oct_test_)')
    .addHelpText('after', `
Examples:
  $ octo keys import - --name ci --scope posts:read < key.txt
  $ OCTO_KEY=octo_ch_… octo keys import --channel sms1
  $ octo keys import --hash "$(printf %s "$KEY" | sha256sum | cut -c1-64)" --name ci

A workspace, channel or WABA key must stay viewable (\`keys copy\`), so it is imported with its
secret only. Prints the key ({"key": {...}} with --json), never the secret.`)
    .action(act(session, async (arg: string | undefined, opts: Record<string, unknown>) => {
      const rateLimit = opts.rateLimit ? parseRateLimit(opts.rateLimit as string) : undefined;
      const expiresInSeconds = opts.expiresIn ? parseDuration(opts.expiresIn as string, '--expires-in') : undefined;
      const scopes = opts.scope as string[] | undefined;
      let record;
      if (opts.hash) {
        if (arg !== undefined) throw new UsageError('give the key or --hash, not both', 'drop one of them');
        record = await importBearerHash(session.ctx, {
          name: (opts.name as string | undefined) ?? '', hashHex: opts.hash as string, test: opts.test === true,
          ...(scopes ? { scopes } : {}), ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}), ...(rateLimit ? { rateLimit } : {}),
        });
      } else {
        const secret = await secretOf(arg, session.env);
        const parsed = parseKey(secret);
        if (!parsed.ok || parsed.info.kind === 'webhook_secret') {
          throw new UsageError('not a well-formed octo API key', parsed.ok ? 'a webhook signing secret is not imported as a key' : 'check for a typo: its checksum tells a mistyped key apart', 'invalid_secret');
        }
        const kind = parsed.info.kind;
        const name = opts.name as string | undefined;
        const common = { secret, ...(rateLimit ? { rateLimit } : {}) };
        if (kind !== 'bearer' && (scopes || expiresInSeconds !== undefined)) throw new UsageError(`--scope and --expires-in are for bearer keys; this is a ${kind} key`, 'drop them');
        const subject = (flag: 'workspace' | 'channel' | 'waba') => {
          const value = opts[flag] as string | undefined;
          if (!value) throw new UsageError(`a ${kind} key needs its ${flag}`, `pass --${flag} ID`, 'missing_argument');
          return value;
        };
        const issued = kind === 'bearer'
          ? await createKey(session.ctx, {
            kind, name: name ?? '', test: parsed.info.env === 'test', ...(scopes ? { scopes } : {}),
            ...(expiresInSeconds !== undefined ? { expiresInSeconds } : {}), ...common,
          })
          : kind === 'workspace' ? await createKey(session.ctx, { kind, workspace: subject('workspace'), ...(name ? { name } : {}), ...common })
            : kind === 'channel' ? await createKey(session.ctx, { kind, channel: subject('channel'), ...(name ? { name } : {}), ...common })
              : await createKey(session.ctx, { kind, waba: subject('waba'), ...(name ? { name } : {}), ...common });
        record = issued.key;
      }
      const view = keyView(record, session.ctx.now());
      if (out.json) return out.document({ key: view });
      out.info(out.e.green('✔ ') + `Imported ${view.label} ${view.id} (${view.masked}).`);
      out.line(view.id);
    }));
}

async function secretOf(arg: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  const text = arg === '-' ? (await readStdin()).toString('utf8').trim() : (arg ?? env.OCTO_KEY ?? '').trim();
  if (!text) throw new UsageError('no key to import', 'pass it as -, from stdin (e.g. `octo keys import - < key.txt`), or in $OCTO_KEY; or a bearer key\'s --hash', 'missing_argument');
  return text;
}
