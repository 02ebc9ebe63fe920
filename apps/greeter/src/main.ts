#!/usr/bin/env node
import { runMicroservice } from '@flotilla/nest';
import { GreeterModule } from './greeter.module.js';

// Flags, FLOTILLA_* env vars, registration and graceful shutdown come from @flotilla/nest (--help lists them).
await runMicroservice(GreeterModule);
