import { buildOpenApi } from './openapi.ts';
import { route, type AnyRoute } from './route-types.ts';
import { auditRoutes } from './routes/audit.ts';
import { backupRoutes } from './routes/backups.ts';
import { authRoutes } from './routes/auth.ts';
import { cdrRoutes } from './routes/cdr.ts';
import { configRoutes } from './routes/config.ts';
import { callRouteRoutes } from './routes/call-routes.ts';
import { extensionRoutes } from './routes/extensions.ts';
import { systemRoutes } from './routes/system.ts';
import { trunkRoutes } from './routes/trunks.ts';
import { portRoutes } from './routes/ports.ts';
import { alarmRoutes } from './routes/alarms.ts';
import { userRoutes } from './routes/users.ts';
import { inspectionRoutes } from './routes/inspections.ts';
import { faultReportRoutes } from './routes/fault-reports.ts';
import { acdRoutes } from './routes/acd.ts';
import { recordingRoutes } from './routes/recordings.ts';
import { callRecordingRoutes } from './routes/call-recording.ts';
import { promptRoutes } from './routes/prompts.ts';
import { ivrRoutes } from './routes/ivr.ts';
import { snmpRoutes } from './routes/snmp.ts';
import { customerRoutes } from './routes/customers.ts';
import { reportRoutes } from './routes/reports.ts';
import { voicemailRoutes } from './routes/voicemail.ts';

/** The OpenAPI document route; it describes the table it belongs to. */
const openApiRoute: AnyRoute = route({
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
  tag: 'meta',
  response: { status: 200, schema: { type: 'object' } },
  handler({ svc }) {
    return buildOpenApi(routeTable, svc.deps.version);
  },
});

/**
 * EVERY route of the management API, each with its method, path, access rule, summary and schemas.
 * The router and the OpenAPI document are both generated from this list, and the role test walks it.
 */
export const routeTable: readonly AnyRoute[] = [...authRoutes, ...systemRoutes, ...extensionRoutes, ...trunkRoutes, ...portRoutes, ...alarmRoutes, ...cdrRoutes, ...userRoutes, ...auditRoutes, ...configRoutes, ...callRouteRoutes, ...acdRoutes, ...inspectionRoutes, ...backupRoutes, ...faultReportRoutes, ...recordingRoutes, ...callRecordingRoutes, ...promptRoutes, ...ivrRoutes, ...snmpRoutes, ...customerRoutes, ...reportRoutes, ...voicemailRoutes, openApiRoute];
