import { z, type ZodType } from 'zod';
import type { SchemaObject } from 'openapi3-ts/oas31';

type Json = Record<string, unknown>;

/**
 * Converts zod schemas to OpenAPI 3.1 schema objects (JSON Schema 2020-12) with `z.toJSONSchema`.
 * Schemas given an id with `.meta({ id })` become named components; their `$ref`s are rewritten
 * to `#/components/schemas/<id>`. The same id converted in input and output mode can differ (an
 * output object is closed, `additionalProperties: false`; an input one may carry defaults): the
 * second variant gets a suffix rather than silently replacing the first.
 */
export class SchemaConverter {
  readonly components: Record<string, SchemaObject> = {};

  /** `io`: `input` for parameters and request bodies (what a caller sends), `output` for responses. */
  convert(schema: ZodType, io: 'input' | 'output'): SchemaObject {
    const raw = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
    const { $schema: _drop, $defs, ...root } = raw;
    const names = new Map<string, string>();
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, Json>)) {
      names.set(id, this.place(id, def, io));
    }
    // Definitions refer to each other: rewrite them once every name is known.
    for (const name of names.values()) this.components[name] = rewrite(this.components[name], names) as SchemaObject;
    return rewrite(root, names) as SchemaObject;
  }

  /** Converts an object schema's properties into one entry per property (parameters). */
  properties(schema: ZodType, io: 'input' | 'output'): { name: string; schema: SchemaObject; required: boolean }[] {
    const converted = this.convert(schema, io) as Json;
    const target = (typeof converted.$ref === 'string' ? this.components[converted.$ref.split('/').pop()!] : converted) as Json;
    const props = (target.properties ?? {}) as Record<string, SchemaObject>;
    const required = new Set((target.required ?? []) as string[]);
    return Object.entries(props).map(([name, s]) => ({ name, schema: s, required: required.has(name) }));
  }

  private place(id: string, def: Json, io: 'input' | 'output'): string {
    const existing = this.components[id];
    if (!existing || same(existing, def)) {
      this.components[id] = def as SchemaObject;
      return id;
    }
    const alternative = `${id}${io === 'input' ? 'Input' : 'Output'}`;
    const other = this.components[alternative];
    if (other && !same(other, def)) throw new Error(`two different schemas are both named ${id} (and ${alternative}): give them distinct meta ids`);
    this.components[alternative] = def as SchemaObject;
    return alternative;
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Copies `value` with every `#/$defs/<id>` (and `#`, the root) reference pointed at the components. */
function rewrite(value: unknown, names: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewrite(v, names));
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value as Json)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/$defs/')) {
      const id = decodeURIComponent(v.slice('#/$defs/'.length));
      out[k] = `#/components/schemas/${names.get(id) ?? id}`;
    } else {
      out[k] = rewrite(v, names);
    }
  }
  return out;
}
