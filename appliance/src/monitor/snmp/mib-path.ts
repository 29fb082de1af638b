import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Directory of the enterprise MIB and the IETF base modules it imports (SNMPv2-SMI, -TC,
 * -CONF, -MIB: Debian ships none of them), the directory to give `snmptranslate -M +`.
 */
export const MIB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../mibs');

/** The enterprise MIB file (HOTLINE-MIB), served for download and printed by `hotline snmp`. */
export const MIB_FILE = join(MIB_DIR, 'HOTLINE-MIB.txt');
