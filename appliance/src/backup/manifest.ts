/** One member of the archive's tar payload, with its checksum. */
export interface ManifestMember {
  /** POSIX path inside the archive (`config.json`, `records.db`, `recordings/2026/11/30/x.wav`). */
  path: string;
  size: number;
  /** Hex SHA-256 of the member's bytes. */
  sha256: string;
}

/** One recording of the chain state: which archive of the chain holds its bytes. */
export interface ManifestRecording extends ManifestMember {
  /** Archive file name holding the file (this one, or an earlier archive of the same chain). */
  archive: string;
}

/** What a backup holds, in numbers (shown before a restore and in lists). */
export interface BackupContents {
  config: boolean;
  configHistoryVersions: number;
  /** Row count of every table of the records snapshot; null when the box had no records.db. */
  records: { tables: Record<string, number> } | null;
  tlsFiles: number;
  promptFiles: number;
  /** Null when recordings were not part of this backup. */
  recordings: { included: number; referenced: number; bytes: number } | null;
}

/**
 * manifest.json, the LAST member of the payload (its checksums are known only after every other
 * member was streamed). A restore trusts nothing it has not checked against it.
 */
export interface BackupManifest {
  format: 1;
  product: 'hotline';
  productVersion: string;
  /** `schemaVersion` of config.json; null when the box had no configuration file. */
  configSchemaVersion: number | null;
  /** Highest records.db migration id of the snapshot; null without records. */
  recordsSchemaRevision: number | null;
  createdAt: string;
  backupId: string;
  /** Archive file name as written to the target. */
  name: string;
  encrypted: boolean;
  /** Incremental recordings: the chain this archive belongs to and the earlier archives it needs. */
  chain: { id: string; sequence: number; dependsOn: string[] } | null;
  contents: BackupContents;
  members: ManifestMember[];
  /** Every recording of the chain state at backup time (empty without recordings). */
  recordings: ManifestRecording[];
}

/** The catalog entry written beside each archive (`<name>.json`): listing and retention read it without decrypting. */
export interface CatalogEntry {
  name: string;
  createdAt: string;
  /** Archive bytes and their SHA-256 as written. */
  size: number;
  sha256: string;
  encrypted: boolean;
  keyCheck: string | null;
  productVersion: string;
  configSchemaVersion: number | null;
  recordsSchemaRevision: number | null;
  contents: BackupContents;
  chain: BackupManifest['chain'];
}

/** The name of the catalog entry of an archive. */
export const catalogName = (archive: string) => `${archive}.json`;

/** Extension of archive files. */
export const ARCHIVE_EXT = '.hlbk';

/** Paths a member may have; anything else in an archive is refused as corrupted (no `..`, no absolute paths). */
export function memberPathAllowed(path: string): boolean {
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..') || path.includes('\0') || path.includes('\\')) return false;
  return /^(manifest\.json|config\.json|records\.db|backup-settings\.json|config-history\/[1-9][0-9]*\.json|(tls|prompts|voicemail|recordings)\/.+)$/.test(path);
}
