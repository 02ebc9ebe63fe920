import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { FlotillaModuleOptions } from '../interfaces/flotilla-module-options.interface.js';

/**
 * `forRoot(options)` / `forRootAsync({ useFactory, inject, imports })`, from Nest's
 * ConfigurableModuleBuilder. The module is global, so that `forClients` modules anywhere in the
 * app share its registry connection and settings.
 */
export const {
  ConfigurableModuleClass: FlotillaConfigurableModule,
  MODULE_OPTIONS_TOKEN: FLOTILLA_MODULE_OPTIONS,
  OPTIONS_TYPE: FLOTILLA_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FLOTILLA_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FlotillaModuleOptions>({ moduleName: 'Flotilla' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
