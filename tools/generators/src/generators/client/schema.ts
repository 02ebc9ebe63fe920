/** Options of the client generator (schema.json). */
export interface ClientGeneratorSchema {
  service: string;
  in: string;
  skipFormat?: boolean;
}
