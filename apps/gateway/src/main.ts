#!/usr/bin/env node
import { runGateway } from './run-gateway.js';

// The standard Flotilla flags and FLOTILLA_* env vars (--help lists them); stops gracefully on SIGTERM.
await runGateway();
