/** Writes schema/fleet.schema.json from the schema the loader applies (`npm run schema`). */
import * as fs from 'fs';
import * as path from 'path';
import { FLEET_SCHEMA } from '../lib/fleet-file/fleet-schema';

export const FLEET_SCHEMA_FILE = path.resolve(__dirname, '..', 'schema', 'fleet.schema.json');

export function fleetSchemaText(): string {
  return `${JSON.stringify(FLEET_SCHEMA, null, 2)}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(FLEET_SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(FLEET_SCHEMA_FILE, fleetSchemaText());
  console.log(`wrote ${path.relative(process.cwd(), FLEET_SCHEMA_FILE)}`);
}
