/** Types for bench/lib/judged-load.js, which the TypeScript tests import. */
export interface TrackedKey {
  secret: string;
  family: 'octopods' | 'bearer';
  /** performance.now() when the command that will end the key started; null while untouched. */
  endingFrom: number | null;
  /** performance.now() when that command returned: every request sent later must be refused. */
  endedAt: number | null;
}

export interface LoadReport {
  sent: number;
  answered: number;
  accepted: number;
  refused: number;
  /** Transport failures (a reset, a timeout): each one is a request lost. */
  errors: string[];
  /** Answers that contradict the key's state, with the reason. */
  wrong: string[];
}

export function trackedKey(secret: string, family: TrackedKey['family']): TrackedKey;
export function runClients(port: number, clients: number, pick: () => TrackedKey, until: Promise<unknown>): Promise<LoadReport>;
