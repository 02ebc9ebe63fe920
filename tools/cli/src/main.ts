#!/usr/bin/env node
import { runCli } from './run.js';

const code = await runCli(process.argv);
process.exitCode = code;
// Every client is closed by now; should anything still hold the event loop, it must not keep an
// operator's command (or a script) waiting.
setTimeout(() => process.exit(code), 1000).unref();
