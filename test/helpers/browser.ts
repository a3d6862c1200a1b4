import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The system's Chromium (Debian's `chromium` package); never a downloaded browser. */
export function findChromium(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

/**
 * Whether the browser tests run here: without Chromium they are skipped with a printed reason,
 * except under CI=true, where a missing browser is a failure (scripts/ensure-test-deps.sh installs it).
 */
export function browserAvailable(): boolean {
  if (findChromium()) return true;
  if (process.env.CI === 'true') throw new Error('CI=true but no Chromium found: install it with `apt-get install chromium` (scripts/ensure-test-deps.sh does)');
  console.warn('skipping the dashboard browser tests: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)');
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium()!, args: ['--no-sandbox'] });
}
