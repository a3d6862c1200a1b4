/**
 * Every time in human output, one form: `2026-12-02 13:21:40 UTC`. UTC, as in the JSON and the
 * logs, so the same moment reads the same on every machine; seconds, because audit events and
 * delivery attempts a second apart must not look simultaneous. JSON keeps ISO 8601 (SPEC §5).
 */
export function formatTime(at: string | number | null, none = ''): string {
  if (at === null) return none;
  // The views already hold `YYYY-MM-DDTHH:MM:SS.sssZ`: cut it rather than parse it (a listing
  // formats two per key, 100,000 keys at a time).
  const iso = typeof at === 'string' && ISO.test(at) ? at : new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
