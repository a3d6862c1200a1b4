import { describe, expect, it } from 'vitest';
import { html, join } from '../../src/dashboard/html.js';
import { allowedHosts } from '../../src/dashboard/security.js';

describe('html: every interpolated value is escaped', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['" onfocus="x', '&quot; onfocus=&quot;x'],
    ["'single'", '&#39;single&#39;'],
    ['a & b', 'a &amp; b'],
    [42, '42'],
    [null, ''],
    [undefined, ''],
    [false, ''],
    [['<a>', '<b>'], '&lt;a&gt;&lt;b&gt;'],
  ])('%j → %s', (value, expected) => {
    expect(html`<p title="${value as string}">`.text).toBe(`<p title="${expected}">`);
  });

  it('keeps fragments made by html itself as markup', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}</p>`.text).toBe('<p><b>&lt;i&gt;</b></p>');
    expect(join([html`<li>1</li>`, html`<li>2</li>`]).text).toBe('<li>1</li><li>2</li>');
  });
});

describe('allowedHosts: the Host values the dashboard answers', () => {
  it.each([
    ['127.0.0.1', 8787, '127.0.0.1:8787', true],
    ['127.0.0.1', 8787, 'localhost:8787', true],
    ['127.0.0.1', 8787, '[::1]:8787', true],
    ['127.0.0.1', 8787, 'LOCALHOST:8787', true],
    ['127.0.0.1', 8787, '127.0.0.1:8788', false],
    ['127.0.0.1', 8787, 'evil.example:8787', false],
    ['127.0.0.1', 8787, '127.0.0.1.evil.example:8787', false],
    ['::1', 9000, '[::1]:9000', true],
    ['0.0.0.0', 9000, '127.0.0.1:9000', true],
    ['0.0.0.0', 9000, 'evil.example:9000', false],
    ['192.0.2.10', 9000, '192.0.2.10:9000', true],
    ['192.0.2.10', 9000, 'localhost:9000', false],
  ])('listening on %s:%i, Host %s → %s', (host, port, header, ok) => {
    expect(allowedHosts(host, port).has(header.toLowerCase())).toBe(ok);
  });
});
