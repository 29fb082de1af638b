import { CURRENT_SCHEMA_VERSION } from './defaults.ts';
import { ConfigValidationError } from './errors.ts';

/** Turns a document of schema revision `from` into revision `from + 1`. */
export interface ConfigMigration {
  from: number;
  /** Receives a private copy; returns the migrated document. */
  migrate(doc: Record<string, unknown>): Record<string, unknown>;
}

/**
 * Migrations between config schema revisions, oldest first. Revision 1 is the first, so the list is
 * empty; when revision 2 arrives, add `{ from: 1, migrate }` here and bump CURRENT_SCHEMA_VERSION.
 */
export const configMigrations: readonly ConfigMigration[] = [];

/**
 * Brings a parsed document up to `target` by chaining migrations. Refuses a document from a newer
 * release (it would silently lose fields) and one with no usable `schemaVersion`.
 */
export function migrateConfigDocument(
  doc: unknown,
  migrations: readonly ConfigMigration[] = configMigrations,
  target: number = CURRENT_SCHEMA_VERSION,
): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc; // the schema reports it
  let current = doc as Record<string, unknown>;
  const rev = current.schemaVersion;
  if (typeof rev !== 'number' || !Number.isInteger(rev) || rev < 1) return doc; // the schema reports it
  if (rev > target) {
    throw new ConfigValidationError([
      { path: '/schemaVersion', message: `schema revision ${rev} is newer than this release understands (${target}); upgrade the appliance first` },
    ]);
  }
  for (let r = rev; r < target; r++) {
    const step = migrations.find((m) => m.from === r);
    if (!step) throw new ConfigValidationError([{ path: '/schemaVersion', message: `no migration from schema revision ${r}` }]);
    current = step.migrate(structuredClone(current));
    current.schemaVersion = r + 1;
  }
  return current;
}
