/** Options of the service generator (schema.json). */
export interface ServiceGeneratorSchema {
  name: string;
  instances?: number;
  skipGenerate?: boolean;
  skipInstall?: boolean;
  skipFormat?: boolean;
}
