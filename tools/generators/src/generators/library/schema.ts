/** Options of the library generator (schema.json). */
export interface LibraryGeneratorSchema {
  name: string;
  description?: string;
  skipInstall?: boolean;
  skipFormat?: boolean;
}
