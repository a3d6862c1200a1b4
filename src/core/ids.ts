import { randomBase62 } from './base62.js';

/** Short, stable ids: a type prefix and 10 base62 characters (~59 bits). */
export function newId(prefix: 'key' | 'ws' | 'ch' | 'waba' | 'wh' | 'evt' | 'msg' | 'dlv'): string {
  return `${prefix}_${randomBase62(10)}`;
}
