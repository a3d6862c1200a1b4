import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { bashScript, BASH_INSTALL } from '../ui/completion-bash.js';
import { fishScript, FISH_INSTALL } from '../ui/completion-fish.js';
import { completionTable } from '../ui/completion-table.js';
import { zshScript, ZSH_INSTALL } from '../ui/completion-zsh.js';
import { describeProgram } from './command-spec.js';
import { version } from './program.js';
import { SHELLS, type Shell } from './completion-values.js';
import { act, type Session } from './session.js';

const RENDER: Record<Shell, typeof bashScript> = { bash: bashScript, zsh: zshScript, fish: fishScript };

export function registerCompletion(program: Command, session: Session): void {
  program.command('completion <shell>')
    .description(`print a shell completion script: ${SHELLS.join(', ')}`)
    .addHelpText('after', `
Completes commands, flags, the values of --kind, --type, --platform, --status and --scope, and the
ids of keys, subjects and webhooks in the keystore. Install:
  bash
${BASH_INSTALL.replace(/^#/gm, '  ')}
  zsh
${ZSH_INSTALL.replace(/^#/gm, '  ')}
  fish
${FISH_INSTALL.replace(/^#/gm, '  ')}`)
    .action(act(session, async (shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(`unknown shell "${shell}"`, `pass one of: ${SHELLS.join(', ')}, e.g. \`octo completion bash\``);
      }
      const table = completionTable(await describeProgram());
      session.out.text(RENDER[shell as Shell](table, version()));
    }));
}
