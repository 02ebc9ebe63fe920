export { serviceGenerator } from './generators/service/service.js';
export type { ServiceGeneratorSchema } from './generators/service/schema.js';
export { clientGenerator } from './generators/client/client.js';
export type { ClientGeneratorSchema } from './generators/client/schema.js';
export { libraryGenerator } from './generators/library/library.js';
export type { LibraryGeneratorSchema } from './generators/library/schema.js';
export { RESERVED_NAMES } from './utils/validate-name.js';
