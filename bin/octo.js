#!/usr/bin/env node
// The CLI is one CommonJS bundle (see scripts/bundle.mjs for why), loaded with require.
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)('../dist/bundle/main.cjs');
process.exitCode = await main(process.argv);
