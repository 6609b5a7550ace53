#!/usr/bin/env node
// The `vlm-harness` bin (package.json `bin`, compiled to dist/src/cli.js). The command line lives in
// src/cli/, the only folder that reads argv, prints and exits (../shared/design.md); this entry runs
// it and sets the exit code. A bug (anything but a UserError) keeps its stack and exits 1.

import { main } from './cli/main.ts';
import { err } from './cli/output.ts';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exitCode = 1;
  },
);
