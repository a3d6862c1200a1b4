import { keyBreaches, type KeyPolicy } from '../core/key-policy.js';
import { keyAcceptance } from '../core/key-acceptance.js';
import { keyView } from '../core/model.js';
import type { CheckResult, Violation } from '../core/leak-model.js';
import type { AppContext } from './context.js';

export type { CheckResult, Violation } from '../core/leak-model.js';

/** `octo keys check`: every active key against the policy, one violation per key and broken rule. */
export async function checkKeys(ctx: AppContext, policy: KeyPolicy): Promise<CheckResult> {
  const now = ctx.now();
  const violations: Violation[] = [];
  let checked = 0;
  for await (const key of (await ctx.keystore()).keys.iterate({ states: ['active'] })) {
    const breaches = keyBreaches(key, policy, now);
    if (keyAcceptance(key, now).status === 'active') checked++;
    if (breaches.length === 0) continue;
    const view = keyView(key, now);
    for (const b of breaches) {
      const verb = b.rule === 'unused-for' ? 'revoke' : 'rotate';
      violations.push({ key: view, rule: b.rule, limit: b.limit, detail: b.detail, action: `octo keys ${verb} ${key.id}` });
    }
  }
  return { checked, violations };
}
