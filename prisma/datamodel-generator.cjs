// A tiny Prisma generator: writes the full datamodel (nullability, uniques, indexes, enums) to JSON
// so the schema-drift test can compare it with what the migrations built. Prisma's client exports
// list tables and columns but not nullability or uniques.
const { generatorHandler } = require('@prisma/generator-helper');
const fs = require('node:fs');
const path = require('node:path');

generatorHandler({
  onManifest: () => ({ defaultOutput: './datamodel.json', prettyName: 'Tollgate datamodel JSON' }),
  onGenerate: async (options) => {
    const out = options.generator.output.value;
    const dm = options.dmmf.datamodel;
    const json = {
      enums: dm.enums.map((e) => ({ name: e.name, values: e.values.map((v) => v.name) })),
      models: dm.models.map((m) => ({
        name: m.name,
        dbName: m.dbName ?? m.name,
        fields: m.fields
          .filter((f) => f.kind !== 'object')
          .map((f) => ({
            name: f.dbName ?? f.name,
            type: f.type,
            kind: f.kind,
            isRequired: f.isRequired,
            isList: f.isList,
            isId: f.isId,
            isUnique: f.isUnique,
            isUpdatedAt: f.isUpdatedAt,
            default: f.hasDefaultValue ? f.default : undefined,
          })),
        relations: m.fields
          .filter((f) => f.kind === 'object' && f.relationFromFields && f.relationFromFields.length > 0)
          .map((f) => ({
            fields: f.relationFromFields,
            references: f.relationToFields,
            model: f.type,
            onDelete: f.relationOnDelete ?? null,
          })),
        uniqueIndexes: m.uniqueIndexes.map((u) => u.fields),
        primaryKey: m.primaryKey ? m.primaryKey.fields : null,
      })),
      indexes: (options.dmmf.datamodel.indexes ?? []).map((i) => ({
        model: i.model,
        type: i.type,
        fields: i.fields.map((f) => f.name),
      })),
    };
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
  },
});
