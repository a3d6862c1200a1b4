/*
 * The dashboard's only static files, served by octo itself (no CDN, no network): a style sheet and
 * one small hand-written script, kept as strings so that the CommonJS bundle carries them (no file
 * to find at run time). The Content-Security-Policy allows these and nothing inline.
 */

/**
 * Copy icons (a green checkmark once copied), Show, and live updates: Server-Sent Events say that
 * something changed, and the page fetches itself again and swaps its `data-live` regions in, so
 * a change made by the CLI appears without a reload. No template literals in it (it sits in one).
 */
const SCRIPT = String.raw`(function () {
  'use strict';
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') : '';
  var status = document.getElementById('live-status');

  function say(text) {
    if (!status) return;
    status.textContent = '';
    setTimeout(function () { status.textContent = text; }, 30);
  }

  function reveal(id) {
    return fetch('/ui/keys/' + encodeURIComponent(id) + '/reveal', {
      method: 'POST', headers: { 'x-csrf-token': csrf }, credentials: 'same-origin', cache: 'no-store'
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || 'refused');
        return body.secret;
      });
    });
  }

  function secretFor(button, id) {
    var field = document.getElementById('field-' + id);
    if (field && (field.hasAttribute('data-whole') || button.hasAttribute('data-local'))) return Promise.resolve(field.value);
    return reveal(id);
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var copy = target.closest('[data-copy]');
    if (copy) {
      var id = copy.getAttribute('data-copy');
      secretFor(copy, id).then(function (secret) {
        return navigator.clipboard.writeText(secret);
      }).then(function () {
        copy.classList.add('copied');
        say('Copied to the clipboard');
        setTimeout(function () { copy.classList.remove('copied'); }, 2000);
      }, function (err) {
        say('Could not copy: ' + err.message);
      });
      return;
    }
    var show = target.closest('[data-reveal]');
    if (show) {
      var keyId = show.getAttribute('data-reveal');
      var field = document.getElementById('field-' + keyId);
      if (!field) return;
      if (field.hasAttribute('data-whole')) {
        field.value = field.getAttribute('data-masked') || field.value;
        field.removeAttribute('data-whole');
        show.textContent = 'Show key';
        return;
      }
      reveal(keyId).then(function (secret) {
        field.setAttribute('data-masked', field.value);
        field.value = secret;
        field.setAttribute('data-whole', '1');
        show.textContent = 'Hide key';
        field.focus();
        field.select();
      }, function (err) { say('Could not show the key: ' + err.message); });
    }
  });

  var pending = false;
  var timer = null;

  function busy(region) {
    var active = document.activeElement;
    if (region.querySelector('details[open]')) return true;
    return !!(active && region.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName));
  }

  function refresh() {
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      fetch(location.pathname + location.search, { headers: { 'x-octo-live': '1' }, credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (text) {
          if (text === null) return;
          var fresh = new DOMParser().parseFromString(text, 'text/html');
          var regions = document.querySelectorAll('[data-live]');
          pending = false;
          for (var i = 0; i < regions.length; i++) {
            var region = regions[i];
            if (busy(region)) { pending = true; continue; }
            var next = fresh.querySelector('[data-live="' + region.getAttribute('data-live') + '"]');
            if (!next) continue;
            // A key shown whole (just made, or by Show) stays whole if its field is still there.
            var whole = region.querySelectorAll('input[data-whole]');
            for (var j = 0; j < whole.length; j++) {
              var same = next.querySelector('#' + CSS.escape(whole[j].id));
              if (same) {
                same.setAttribute('data-masked', same.value);
                same.value = whole[j].value;
                same.setAttribute('data-whole', '1');
              }
            }
            region.replaceWith(document.importNode(next, true));
          }
          say('Updated');
        }, function () { pending = true; });
    }, 100);
  }

  document.addEventListener('toggle', function () { if (pending) refresh(); }, true);
  document.addEventListener('focusout', function () { if (pending) setTimeout(refresh, 0); });

  function cell(row, text, className) {
    var td = document.createElement('td');
    if (className) {
      var span = document.createElement(className === 'code' ? 'code' : 'span');
      if (className !== 'code') span.className = className;
      span.textContent = text;
      td.appendChild(span);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
  }

  function addRequest(entry) {
    var table = document.getElementById('request-log');
    if (!table) return;
    var body = table.tBodies[0];
    var row = document.createElement('tr');
    cell(row, entry.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'));
    cell(row, entry.method);
    cell(row, entry.path, 'code');
    cell(row, String(entry.status), 'http http-' + String(entry.status).charAt(0) + 'xx');
    cell(row, entry.reason);
    cell(row, entry.key_id || '\u2014');
    cell(row, entry.ms.toFixed(2));
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > 200) body.deleteRow(body.rows.length - 1);
    var empty = document.getElementById('request-empty');
    if (empty) empty.hidden = true;
  }

  if (window.EventSource && !document.querySelector('form[action="/ui/sign-in"]')) {
    var events = new EventSource('/ui/events');
    events.addEventListener('change', refresh);
    events.addEventListener('delivery', refresh);
    events.addEventListener('request', function (e) { addRequest(JSON.parse(e.data)); });
    events.addEventListener('open', function () { document.documentElement.setAttribute('data-live', 'on'); });
  }
})();
`;

const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #57606a; --border: #d0d7de;
  --accent: #0a58ca; --accent-text: #ffffff; --danger: #b42318; --ok: #1a7f37; --ok-bg: #dafbe1;
  --err-bg: #ffebe9; --field: #f6f8fa; --focus: #0a58ca; --badge: #eaeef2;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #9da7b3; --border: #30363d;
    --accent: #4493f8; --accent-text: #0d1117; --danger: #ff7b72; --ok: #3fb950; --ok-bg: #12261e;
    --err-bg: #2d1214; --field: #0d1117; --focus: #79c0ff; --badge: #21262d;
  }
}
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 16px; line-height: 1.5; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
code, .key-field { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--card); padding: 0.5rem 1rem; z-index: 10; }
.skip:focus { left: 0.5rem; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.top { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding: 0.75rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--border); }
.brand { font-weight: 700; color: var(--text); text-decoration: none; }
.brand span { font-weight: 400; color: var(--muted); }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem; list-style: none; margin: 0; padding: 0; }
nav a { display: block; padding: 0.35rem 0.6rem; border-radius: 6px; text-decoration: none; color: var(--text); }
nav a[aria-current="page"] { background: var(--badge); font-weight: 600; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: 0.25rem 0; }
h2 { font-size: 1.1rem; margin: 0 0 0.75rem; }
.subtitle { color: var(--muted); margin-top: 0; }
.crumbs { color: var(--muted); margin: 0.5rem 0 0; font-size: 0.9rem; }
.muted { color: var(--muted); }
.small { font-size: 0.85rem; }
.block { display: block; font-weight: 400; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; padding: 1rem 1.25rem; margin: 1rem 0; }
.card.once { border: 2px solid var(--ok); }
.danger-card { border-color: var(--danger); }
.warning { margin-top: 0; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.55rem 0.5rem; border-bottom: 1px solid var(--border); vertical-align: top; }
thead th { font-size: 0.85rem; color: var(--muted); font-weight: 600; }
tbody th { font-weight: 600; }
td.actions { white-space: nowrap; }
.empty { color: var(--muted); font-style: italic; }
.key-row { display: flex; gap: 0.5rem; align-items: center; }
.key-field { width: 100%; min-width: 12rem; padding: 0.4rem 0.6rem; line-height: 1.7; border: 1px solid var(--border); border-radius: 6px; background: var(--field); color: var(--text); }
.button, button { font: inherit; cursor: pointer; display: inline-block; padding: 0.4rem 0.85rem; border-radius: 6px; border: 1px solid var(--border); background: var(--card); color: var(--text); text-decoration: none; line-height: 1.4; }
.button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); font-weight: 600; }
.button.danger { color: var(--danger); border-color: var(--danger); }
button.danger { background: var(--danger); color: #fff; }
@media (prefers-color-scheme: dark) { button.danger { color: #0d1117; } }
.icon-button { padding: 0.35rem; line-height: 0; vertical-align: middle; }
.icon-check { display: none; color: var(--ok); }
.copied .icon-copy { display: none; }
.copied .icon-check { display: inline; }
.copied { border-color: var(--ok); }
details.more { display: inline-block; vertical-align: middle; margin-left: 0.35rem; }
details.more summary { cursor: pointer; padding: 0.4rem 0.6rem; border: 1px solid var(--border); border-radius: 6px; list-style: none; display: inline-block; }
details.more summary::-webkit-details-marker { display: none; }
.more-body { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; padding: 0.6rem 0; white-space: normal; }
form.inline { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
label { font-weight: 600; }
.choice { display: block; font-weight: 400; margin: 0.25rem 0; }
.field { margin: 0.75rem 0; }
.field label { display: block; margin-bottom: 0.25rem; }
.field input, select { font: inherit; padding: 0.45rem 0.6rem; border: 1px solid var(--border); border-radius: 6px; background: var(--field); color: var(--text); width: 100%; max-width: 28rem; }
select { width: auto; }
.field-row { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
.field-row .field { flex: 1 1 14rem; }
.hint { color: var(--muted); font-size: 0.85rem; margin: 0.25rem 0; }
fieldset { border: 1px solid var(--border); border-radius: 8px; margin: 0.75rem 0; padding: 0.5rem 1rem; }
legend { font-weight: 600; padding: 0 0.35rem; }
.scopes { max-height: 24rem; overflow-y: auto; }
.scopes td, .scopes th { padding: 0.25rem 0.5rem; }
input[type="checkbox"], input[type="radio"] { width: 1.15rem; height: 1.15rem; accent-color: var(--accent); }
.field-label { font-weight: 600; margin: 0.5rem 0 0.25rem; }
.meta { color: var(--muted); font-size: 0.85rem; }
.flash { border-radius: 8px; padding: 0.5rem 1rem; margin: 1rem 0; border: 1px solid var(--border); }
.flash p { margin: 0.25rem 0; }
.flash-ok { background: var(--ok-bg); border-color: var(--ok); }
.flash-error { background: var(--err-bg); border-color: var(--danger); }
.badge { display: inline-block; background: var(--badge); border-radius: 999px; padding: 0 0.5rem; font-size: 0.8rem; margin: 0 0.15rem 0.15rem 0; }
.status { font-weight: 600; }
.status-active, .status-succeeded { color: var(--ok); }
.status-revoked, .status-expired, .status-failed { color: var(--danger); }
.http-2xx { color: var(--ok); font-weight: 600; }
.http-4xx, .http-5xx, .http-none { color: var(--danger); font-weight: 600; }
.attempts { margin: 0; padding-left: 1.2rem; }
.detail { word-break: break-all; }
td > code:only-child { white-space: nowrap; }
@media (max-width: 640px) {
  main { padding: 0.5rem 0.75rem 2rem; }
  .card { padding: 0.75rem; }
  table.keys thead { display: none; }
  table.keys tr { display: block; border-bottom: 1px solid var(--border); padding: 0.5rem 0; }
  table.keys th, table.keys td { display: block; border: 0; padding: 0.25rem 0; }
  .key-field { min-width: 0; }
}
`;

const FAVICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#0a58ca"/><text x="16" y="21" font-size="14" text-anchor="middle" fill="#fff" font-family="sans-serif">o</text></svg>';

export const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  '/ui/assets/dashboard.js': { type: 'text/javascript; charset=utf-8', body: SCRIPT },
  '/ui/assets/dashboard.css': { type: 'text/css; charset=utf-8', body: STYLE },
  '/ui/assets/favicon.svg': { type: 'image/svg+xml', body: FAVICON },
  '/favicon.ico': { type: 'image/svg+xml', body: FAVICON },
};
