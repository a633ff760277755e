/**
 * The one thing the console needs of the in-process Schema Registry (src/registry/): a schema by
 * its id, after the registry caught up with `_schemas` (a schema registered a moment ago by a
 * producer is found). Kept to this one function so the console depends on nothing else there.
 */
import type { Registry } from '../registry/registry.js';
import type { SchemaLookup } from './fields.js';

export function registrySchemaLookup(registry: Registry): SchemaLookup {
  return (id) => {
    registry.catchUp();
    const found = registry.state.schemas.get(id);
    return found && { schemaType: found.schemaType, schema: found.schema };
  };
}
