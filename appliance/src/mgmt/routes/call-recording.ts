import { audit } from '../audit.ts';
import { route, type AnyRoute } from '../route-types.ts';
import { pbxCall } from './acd.ts';

/** Who may start, stop, pause and resume a live call's recording: the agent on the call pauses for a card number. */
const RECORDING_CONTROLLERS = ['admin', 'supervisor', 'agent'] as const;

/**
 * `/calls/:callId/recording` (issue 7): the management face of the PBX's recording commands
 * (`POST /v1/recording` on its control socket; the same commands as *41..*44 keyed in the call).
 * The PBX's refusals (unknown call, `never` policy, `stop` on a call recorded always) come back
 * as 400 with its reason. Every command is audited: recording gaps are evidence.
 */
export const callRecordingRoutes: AnyRoute[] = [
  route<Record<string, never>, { action: 'start' | 'stop' | 'pause' | 'resume' }>({
    method: 'POST',
    path: '/calls/:callId/recording',
    access: [...RECORDING_CONTROLLERS],
    summary: 'Start, stop, pause or resume the recording of a live call (on demand; pause around card numbers)',
    tag: 'recordings',
    params: { type: 'object', required: ['callId'], properties: { callId: { type: 'string', minLength: 1, maxLength: 256 } } },
    body: { type: 'object', additionalProperties: false, required: ['action'], properties: { action: { type: 'string', enum: ['start', 'stop', 'pause', 'resume'] } } },
    response: {
      status: 200,
      schema: { type: 'object', required: ['callId', 'recording'], properties: { callId: { type: 'string' }, recording: { type: 'string', enum: ['started', 'stopped', 'paused', 'resumed'] } } },
    },
    async handler({ ctx, svc, user, params, body }) {
      try {
        const r = await pbxCall<{ callId: string; recording: 'started' | 'stopped' | 'paused' | 'resumed' }>(svc, 'POST', '/v1/recording', { callId: params.callId, action: body.action }, '交换机拒绝了录音操作');
        audit(svc, ctx, user, { action: 'recording.call_controlled', target: params.callId, outcome: 'ok', after: { action: body.action } });
        return r;
      } catch (err) {
        audit(svc, ctx, user, { action: 'recording.call_controlled', target: params.callId, outcome: 'failed', after: { action: body.action, error: (err as Error).message } });
        throw err;
      }
    },
  }),
];
