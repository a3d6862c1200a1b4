import type { ChannelView, WabaView, WorkspaceView } from '../../app/subjects.js';
import { keyLabel, type ChannelType } from '../../core/model.js';
import { html, type Html } from '../html.js';
import { copyButton, keyCard, keyField, keyMenu } from './key-card.js';
import { form } from './layout.js';

/** The key just created or rotated on the previous page, shown in its field once. */
export type Fresh = { keyId: string; value: string } | null;

const freshFor = (fresh: Fresh, keyId: string | undefined): string | null => (fresh && keyId === fresh.keyId ? fresh.value : null);

const TYPE_WORD: Record<ChannelType, string> = { sms: 'SMS', viber: 'Viber', telegram: 'Telegram', whatsapp: 'WhatsApp' };

/** Settings → API Keys, as the Workspace API Key seed describes it. */
export function workspacesPage(list: WorkspaceView[], csrf: string, fresh: Fresh): Html {
  return html`<p class="crumbs">Settings › API Keys <span class="muted">(Workspace integrations)</span></p>
<h1>API Keys</h1>
<p class="subtitle">API keys for your Intercom workspaces.</p>
<section class="card" aria-labelledby="ws-keys" data-live="workspaces">
<h2 id="ws-keys">Workspace API Keys</h2>
${list.length === 0
    ? html`<p class="empty">No workspace yet. Add one with <code>octo workspaces add Acme --platform intercom</code>.</p>`
    : html`<div class="table-wrap"><table class="keys">
<thead><tr><th scope="col">Workspace</th><th scope="col">API Key</th><th scope="col">Actions</th></tr></thead>
<tbody>${list.map((w) => workspaceRow(w, csrf, fresh))}</tbody>
</table></div>`}
</section>
<p class="muted small">Send the key in the <code>X-Octopods-Auth</code> header, with no Bearer prefix.</p>`;
}

function workspaceRow(w: WorkspaceView, csrf: string, fresh: Fresh): Html {
  const what = `Workspace API Key for ${w.name}`;
  return html`<tr data-workspace="${w.id}">
<th scope="row">${w.name}<span class="muted small block">${w.platform} · ${w.id}</span></th>
<td>${w.key ? keyField(w.key, what, freshFor(fresh, w.key.id)) : html`<span class="empty">No API key generated</span>`}</td>
<td class="actions">${w.key
    ? html`${copyButton(w.key, what, true)}${keyMenu(w.key, what, csrf, '/', { show: true })}`
    : form(`/ui/subjects/workspace/${w.id}/key`, csrf, html`<input type="hidden" name="back" value="/"><button type="submit" class="button primary">Create API Key<span class="sr-only"> for ${w.name}</span></button>`)}</td>
</tr>`;
}

export function channelsPage(list: ChannelView[]): Html {
  return html`<h1>Channels</h1>
<p class="subtitle">Open a channel to see its API key card.</p>
<section class="card" aria-labelledby="ch-list" data-live="channels">
<h2 id="ch-list">Channels</h2>
${list.length === 0
    ? html`<p class="empty">No channel yet. Add one with <code>octo channels add "Support SMS" --workspace Acme --type sms</code>.</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">Channel</th><th scope="col">Type</th><th scope="col">Workspace</th><th scope="col">Key</th></tr></thead>
<tbody>${list.map((c) => html`<tr>
<th scope="row"><a href="/ui/channels/${c.id}">${c.name}</a></th>
<td>${TYPE_WORD[c.type]}</td><td>${c.workspace.name}</td>
<td>${c.key ? html`<span class="status status-${c.key.status}">${c.key.label}</span>` : html`<span class="empty">No API key generated</span>`}</td>
</tr>`)}</tbody></table></div>`}
</section>`;
}

/** A channel's detail page: its key card, labelled by type, or for a WhatsApp number the Message Templates API card. */
export function channelPage(c: ChannelView, csrf: string, fresh: Fresh): Html {
  const back = `/ui/channels/${c.id}`;
  const card = c.type === 'whatsapp'
    ? keyCard({
      title: 'Message Templates API', label: keyLabel('waba'), subject: { type: 'waba', id: c.waba!.id, name: c.waba!.name },
      key: c.key, fresh: freshFor(fresh, c.key?.id), csrf, back,
      note: html`<p class="muted">One key per WhatsApp Business Account (${c.waba!.name}), shared by every number attached to it; it also governs the interactive and templates APIs.</p>`,
    })
    : keyCard({
      title: keyLabel('channel', c.type), label: keyLabel('channel', c.type), subject: { type: 'channel', id: c.id, name: c.name },
      key: c.key, fresh: freshFor(fresh, c.key?.id), csrf, back,
    });
  return html`<p class="crumbs"><a href="/ui/channels">Channels</a> › ${c.name}</p>
<h1>${c.name}</h1>
<p class="subtitle">${TYPE_WORD[c.type]} channel in ${c.workspace.name} · ${c.id}</p>
<div data-live="channel">${card}</div>`;
}

export function wabasPage(list: WabaView[], numbers: ChannelView[], csrf: string, fresh: Fresh): Html {
  return html`<h1>WhatsApp Business Accounts</h1>
<p class="subtitle">One WhatsApp Business API Key per WABA, shared across every WhatsApp number attached to it.</p>
<div data-live="wabas">
${list.length === 0
    ? html`<section class="card"><p class="empty">No WABA yet. Add one with <code>octo wabas add "Acme WABA" --workspace Acme</code>.</p></section>`
    : list.map((b) => {
      const attached = numbers.filter((n) => n.waba?.id === b.id);
      return keyCard({
        title: `${b.name}: Message Templates API`, label: keyLabel('waba'), subject: { type: 'waba', id: b.id, name: b.name },
        key: b.key, fresh: freshFor(fresh, b.key?.id), csrf, back: '/ui/wabas',
        note: html`<p class="muted">Workspace ${b.workspace.name} · numbers: ${attached.length === 0 ? 'none yet' : attached.map((n, i) => html`${i ? ', ' : ''}<a href="/ui/channels/${n.id}">${n.name}</a>`)}</p>`,
      });
    })}
</div>`;
}
