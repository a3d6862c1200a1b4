import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { registerAudit } from './audit.js';
import { registerBackup } from './backup.js';
import { registerCheck } from './check.js';
import { registerKeys } from './keys.js';
import { registerScan } from './scan.js';
import { registerScopes } from './scopes.js';
import { registerServe } from './serve.js';
import type { Session } from './session.js';
import { registerSubjects } from './subjects.js';
import { registerVerify } from './verify.js';
import { registerWebhooks } from './webhooks.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The command tree. Each group lives in its own file and only wires flags to app functions. */
export function buildProgram(session: Session): Command {
  const program = new Command('octo')
    .description('Administer API keys in a local keystore, and verify requests the way the real APIs do.')
    .version(version(), '-V, --version')
    .option('--db <path>', 'keystore file (default: $OCTO_DB, then ${XDG_DATA_HOME:-~/.local/share}/octo/keystore.db)')
    .option('--json', 'print one JSON document on stdout (errors as JSON on stderr)')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-y, --yes', 'skip confirmations')
    .option('--debug', 'print stacks for errors')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: () => {} })
    .addHelpText('after', `
Examples:
  $ octo workspaces add Acme --platform intercom
  $ octo keys create workspace --workspace Acme
  $ octo keys create bearer --name "CI pipeline" --scope posts:read --expires-in 90d
  $ octo keys verify - --endpoint "POST /api/v1/sms/messages" < key.txt
  $ octo serve --port 8787

Exit codes: 0 ok, 1 refused or failed, 2 usage error, 130 cancelled.`);

  registerSubjects(program, session);
  const keys = registerKeys(program, session);
  registerVerify(keys, session);
  registerScan(keys, session);
  registerCheck(keys, session);
  registerScopes(program, session);
  registerAudit(program, session);
  registerWebhooks(program, session);
  registerServe(program, session);
  registerBackup(program, session);
  return program;
}
