#!/usr/bin/env node
// The `wanmi` administration CLI (see README.md); the commands live in main.ts and commands/.
import { main } from './main.js';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
