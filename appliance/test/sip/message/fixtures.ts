// Loads the RFC 4475 torture messages kept under appliance/test/fixtures/rfc4475.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Folder of the RFC 4475 fixtures. */
export const RFC4475_DIR = fileURLToPath(new URL('../../fixtures/rfc4475/', import.meta.url));

/** The .dat files of one fixture folder, sorted, with their bytes. */
export function loadFixtures(folder: string): { name: string; bytes: Buffer }[] {
  return readdirSync(RFC4475_DIR + folder)
    .filter((f) => f.endsWith('.dat'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(`${RFC4475_DIR}${folder}/${name}`) }));
}
