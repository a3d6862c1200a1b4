#!/usr/bin/env node
// CommonJS (bin/package.json says so), like the bundle it loads: a CommonJS entry spares node its
// ESM loader altogether, part of the start-up that `octo keys verify` is measured on (SPEC §10).
// The bundle and why it is one CommonJS file: scripts/bundle.mjs.
'use strict';

require('../dist/bundle/main.cjs')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
