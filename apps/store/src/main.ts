#!/usr/bin/env node
import { runStore } from './run-store.js';

process.exitCode = await runStore(process.argv.slice(2), process.env);
