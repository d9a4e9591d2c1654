// The site's Content-Security-Policy as one header value, read from policy.txt beside this file.
import { readFileSync } from 'node:fs';

const text = readFileSync(new URL('./policy.txt', import.meta.url), 'utf8');
export const CSP = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).join('; ');
