/**
 * The one thing the console needs of the in-process Schema Registry (src/registry/): a schema by
 * its id, after the registry caught up with `_schemas` (a schema registered a moment ago by a
 * producer is found), and its parsed form, cached by the registry (for Protobuf: protobufjs,
 * with the schema's references resolved and loaded as its imports). Kept to this one
 * function so the console depends on nothing else there.
 */
import type { Registry } from '../registry/registry.js';
import type { SchemaLookup } from './fields.js';

export function registrySchemaLookup(registry: Registry): SchemaLookup {
  const lookup: SchemaLookup = (id) => {
    registry.catchUp();
    const found = registry.state.schemas.get(id);
    if (!found) return undefined;
    return {
      schemaType: found.schemaType,
      schema: found.schema,
      // The registry's own parse and cache (also used by its compatibility checks): one copy.
      parse: () => {
        const parsed = registry.parsedById(id);
        if (!parsed) throw new Error('the registry cannot parse it (its reason is in the broker log)');
        return parsed;
      },
    };
  };
  lookup.ready = () => registry.loadTools();
  return lookup;
}
