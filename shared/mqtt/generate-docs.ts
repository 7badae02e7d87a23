// Build tool, not runtime code (hence node:fs): writes docs/mqtt-topics.md from the topic map so that shared/ stays
// free of I/O. Usage from the repo root: node --import tsx shared/mqtt/generate-docs.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderTopicsDoc } from './docs.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const topicsDocPath = path.join(repoRoot, 'docs', 'mqtt-topics.md');

writeFileSync(topicsDocPath, renderTopicsDoc());
console.log(`wrote ${path.relative(repoRoot, topicsDocPath)}`);
