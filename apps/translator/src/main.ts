#!/usr/bin/env node
import { runMicroservice } from '@flotilla/nest';
import { TranslatorModule } from './translator.module.js';

// Flags, FLOTILLA_* env vars, registration, live config and graceful shutdown come from @flotilla/nest.
await runMicroservice(TranslatorModule);
