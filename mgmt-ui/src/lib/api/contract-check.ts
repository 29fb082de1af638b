// Compile-time check that the UI's API types (types.ts) accept what the generated
// OpenAPI types (schema.gen.ts, from `npm run gen:api`) say the server sends. When the
// backend changes a response, `npm run -w @hotline/mgmt-ui check` fails here.
import type { paths } from './schema.gen.ts';
import type {
  AlarmList, AuditEntry, CallRecord, ConfigVersion, Extension, HourBucket, Page, PortList, PromptFile, SessionInfo, SnmpSettingsDoc, SystemSummary, TrunkList, UserAccount,
  Customer, ImportResult, Report, VoicemailBox, VoicemailMessage,
} from './types.ts';

type Method = 'get' | 'post' | 'put' | 'delete';
/** The JSON body of a success response of a route in the generated document. */
type Json<P extends keyof paths, M extends Method, S extends number> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;
/**
 * The server document leaves most nested properties out of `required` although the handlers
 * always send them, so optionality is not compared: names and value types are.
 */
type DeepRequired<T> = T extends readonly (infer E)[] ? DeepRequired<E>[] : T extends object ? { [K in keyof T]-?: DeepRequired<Exclude<T[K], undefined>> } : T;
type Accepts<Ui, Server> = [Server] extends [never] ? false : [DeepRequired<Server>] extends [Ui] ? true : false;
type Check<T extends true> = T;

/** One line per response the UI reads; a `false` here is a type error. */
export type ContractChecks = [
  Check<Accepts<SessionInfo, Json<'/api/v1/auth/me', 'get', 200>>>,
  Check<Accepts<SessionInfo, Json<'/api/v1/auth/login', 'post', 200>>>,
  Check<Accepts<SystemSummary, Json<'/api/v1/system/summary', 'get', 200>>>,
  Check<Accepts<Page<Extension>, Json<'/api/v1/extensions', 'get', 200>>>,
  Check<Accepts<TrunkList, Json<'/api/v1/trunks', 'get', 200>>>,
  Check<Accepts<PortList, Json<'/api/v1/ports', 'get', 200>>>,
  Check<Accepts<AlarmList, Json<'/api/v1/alarms', 'get', 200>>>,
  Check<Accepts<{ configVersion: number; applied: boolean; applyError: string }, Json<'/api/v1/config/routes', 'put', 200>>>,
  Check<Accepts<Page<CallRecord>, Json<'/api/v1/cdr', 'get', 200>>>,
  Check<Accepts<{ buckets: HourBucket[] }, Json<'/api/v1/cdr/stats/hourly', 'get', 200>>>,
  Check<Accepts<UserAccount[], Json<'/api/v1/users', 'get', 200>>>,
  Check<Accepts<Page<AuditEntry>, Json<'/api/v1/audit', 'get', 200>>>,
  Check<Accepts<ConfigVersion[], Json<'/api/v1/config/versions', 'get', 200>>>,
  Check<Accepts<{ diff: string }, Json<'/api/v1/config/diff', 'get', 200>>>,
  Check<Accepts<{ prompts: PromptFile[] }, Json<'/api/v1/prompts', 'get', 200>>>,
  Check<Accepts<{ configVersion: number; applied: boolean; applyError: string }, Json<'/api/v1/config/ivr', 'put', 200>>>,
  Check<Accepts<SnmpSettingsDoc, Json<'/api/v1/snmp/settings', 'get', 200>>>,
  Check<Accepts<{ configVersion: number; applied: boolean; applyError: string }, Json<'/api/v1/snmp/settings', 'put', 200>>>,
  Check<Accepts<Page<Customer>, Json<'/api/v1/customers', 'get', 200>>>,
  Check<Accepts<ImportResult, Json<'/api/v1/customers/import', 'post', 200>>>,
  Check<Accepts<Report, Json<'/api/v1/reports/{kind}', 'get', 200>>>,
  Check<Accepts<{ boxes: VoicemailBox[] }, Json<'/api/v1/voicemail/boxes', 'get', 200>>>,
  Check<Accepts<{ messages: VoicemailMessage[] }, Json<'/api/v1/voicemail/boxes/{box}/messages', 'get', 200>>>,
  Check<Accepts<VoicemailMessage, Json<'/api/v1/voicemail/messages/{id}/heard', 'put', 200>>>,
];
