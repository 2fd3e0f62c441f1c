#!/usr/bin/env node
// The `kmods` command: runs lib/cli/main.ts through tsx until the package ships compiled code.
require('tsx/cjs/api').register();
const { runCli } = require('../lib/cli/main.ts');
const { processIo } = require('../lib/cli/cli-io.ts');
process.exitCode = runCli(process.argv.slice(2), processIo());
