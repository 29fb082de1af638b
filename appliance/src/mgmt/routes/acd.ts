import { ControlRequestError, ServiceNotRunningError } from '../../control/index.ts';
import { ApiError } from '../errors.ts';
import { route, type AnyRoute } from '../route-types.ts';
import type { MgmtServices } from '../services.ts';
import type { UserRecord } from '../../records/index.ts';

const params = { type: 'object', required: ['agent'], properties: { agent: { type: 'string', pattern: '^[0-9]{2,8}$' } } } as const;

/** Asks the PBX's control API (call center, recording); its refusals become 400 VALIDATION with the PBX's reason, a stopped PBX 503. */
export async function pbxCall<T>(svc: MgmtServices, method: 'GET' | 'POST', path: string, body?: unknown, refusedZh = '呼叫中心拒绝了该操作'): Promise<T> {
  const call = svc.deps.pbx.call;
  if (!call) throw new ApiError('PBX_UNAVAILABLE', 'the PBX control channel has no call-center routes');
  try {
    return await call.call(svc.deps.pbx, method, path, body) as T;
  } catch (err) {
    if (err instanceof ServiceNotRunningError) throw new ApiError('PBX_UNAVAILABLE', err.message);
    if (err instanceof ControlRequestError && err.status === 400) {
      throw new ApiError('VALIDATION', err.body.error, { messageZh: `${refusedZh}：${err.body.error}` });
    }
    throw err;
  }
}

/**
 * A user with role `agent` acts only for the agent logged in on its own desk phone
 * (users.phone_extension); admin and supervisor act on any agent. The PBX's snapshot says who is
 * logged in where, so a desk phone moved to another agent moves the right with it. Logging in is
 * allowed only onto the user's own extension (nobody is logged in there yet to compare with).
 */
async function requireOwnAgent(svc: MgmtServices, user: UserRecord | undefined, agent: string, loginExtension?: string): Promise<void> {
  if (!user || user.role !== 'agent') return;
  const own = user.extension;
  if (!own) {
    throw new ApiError('FORBIDDEN', `your user has no desk phone extension, so it may not act for agent ${agent} (an administrator sets it in Users)`, { messageZh: `您的用户未设置话机分机，不能操作坐席 ${agent}（请管理员在用户管理中设置）` });
  }
  if (loginExtension !== undefined) {
    if (loginExtension === own) return;
    throw new ApiError('FORBIDDEN', `you may log an agent in only on your own desk phone extension ${own}, not on ${loginExtension || 'no extension'}`, { messageZh: `只能在您自己的话机分机 ${own} 上签入坐席，不能在 ${loginExtension || '未指定分机'} 上签入` });
  }
  const snap = await pbxCall<{ agents: Array<{ agent: string; extension?: string }> }>(svc, 'GET', '/v1/acd/snapshot');
  if (snap.agents.some((a) => a.agent === agent && a.extension === own)) return;
  throw new ApiError('FORBIDDEN', `agent ${agent} is not logged in on your desk phone extension ${own}; you may act only on your own calls`, { messageZh: `坐席 ${agent} 未在您的话机分机 ${own} 上签入；您只能操作自己的呼叫` });
}

/**
 * `/acd`: the wallboard snapshot and the call-control API of agent desktops (issue 6). The
 * event stream that goes with them is the WebSocket `/api/v1/cti` (cti.ts).
 */
export const acdRoutes: AnyRoute[] = [
  route({
    method: 'GET',
    path: '/acd/snapshot',
    access: 'authenticated',
    summary: 'Every queue\'s figures (waiting, longest wait, answered, abandoned, service level) and every agent\'s state',
    tag: 'acd',
    response: { status: 200, schema: { type: 'object', required: ['at', 'queues', 'agents'], properties: { at: { type: 'number' }, queues: { type: 'array' }, agents: { type: 'array' } } } },
    async handler({ svc }) {
      return pbxCall<{ at: number; queues: unknown[]; agents: unknown[] }>(svc, 'GET', '/v1/acd/snapshot');
    },
  }),
  route({
    method: 'POST',
    path: '/acd/agents/:agent/state',
    access: ['admin', 'supervisor', 'agent'],
    summary: 'Log an agent in (on an extension) or out, or set it ready or not ready with a reason code',
    tag: 'acd',
    params,
    body: {
      type: 'object', additionalProperties: false, required: ['action'],
      properties: {
        action: { type: 'string', enum: ['login', 'logout', 'ready', 'not-ready'] },
        extension: { type: 'string', pattern: '^[0-9]{2,8}$' },
        pin: { type: 'string', pattern: '^[0-9]{4,8}$' },
        reason: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,32}$' },
      },
    },
    response: { status: 200, schema: { type: 'object', required: ['agent'], properties: { agent: { type: 'string' }, state: { type: 'object' } } } },
    async handler({ svc, user, params: p, body }) {
      await requireOwnAgent(svc, user, p.agent, body.action === 'login' ? (body.extension ?? '') : undefined);
      return pbxCall<{ agent: string; state: unknown }>(svc, 'POST', '/v1/acd/agent', { agent: p.agent, ...body });
    },
  }),
  route({
    method: 'POST',
    path: '/acd/agents/:agent/supervise',
    access: ['admin', 'supervisor'],
    summary: 'Supervisor actions on an agent: force release of its call, force not ready or logout; listen, whisper or barge: switches the supervisor in its call, or rings the supervisor\'s phone (`supervisor`, else the signed-in user\'s extension) and joins it when answered (`ringing: true`)',
    tag: 'acd',
    params,
    body: {
      type: 'object', additionalProperties: false, required: ['action'],
      properties: {
        action: { type: 'string', enum: ['listen', 'whisper', 'barge', 'release', 'not-ready', 'logout'] },
        supervisor: { type: 'string', pattern: '^[0-9]{2,8}$' },
      },
    },
    response: { status: 200, schema: { type: 'object', required: ['agent', 'action'], properties: { agent: { type: 'string' }, action: { type: 'string' }, callId: { type: 'string' }, supervisor: { type: 'string' }, ringing: { type: 'boolean' } } } },
    async handler({ svc, user, params: p, body }) {
      // Listening from the wallboard rings the signed-in user's own desk phone (users: extension).
      const listening = body.action === 'listen' || body.action === 'whisper' || body.action === 'barge';
      const supervisor = body.supervisor ?? (listening ? user?.extension : undefined);
      try {
        return await pbxCall<{ agent: string; action: string; callId?: string; supervisor?: string; ringing?: boolean }>(svc, 'POST', '/v1/acd/supervise', { agent: p.agent, ...body, ...(supervisor ? { supervisor } : {}) });
      } catch (err) {
        // Nobody to switch and no phone to call: say what is missing on this side.
        if (listening && !supervisor && err instanceof ApiError && err.code === 'VALIDATION') {
          throw new ApiError('VALIDATION', `${err.message}; your user has no desk phone extension to call (set it in Users)`, { messageZh: `${err.extra.messageZh ?? err.message}；您的用户未设置话机分机，无法呼叫（请在用户管理中设置）` });
        }
        throw err;
      }
    },
  }),
  route({
    method: 'POST',
    path: '/acd/agents/:agent/conference',
    access: ['admin', 'supervisor', 'agent'],
    summary: 'Conference: merge the agent\'s calls (a call and a consult call; again to add a party) into one conference, or leave it (the others go on talking)',
    tag: 'acd',
    params,
    body: {
      type: 'object', additionalProperties: false, required: ['action'],
      properties: { action: { type: 'string', enum: ['merge', 'leave'] } },
    },
    response: { status: 200, schema: { type: 'object', properties: { room: { type: 'string' }, parties: { type: 'array', items: { type: 'string' } }, agent: { type: 'string' }, left: { type: 'boolean' } } } },
    async handler({ svc, user, params: p, body }) {
      await requireOwnAgent(svc, user, p.agent);
      return pbxCall<{ room?: string; parties?: string[]; agent?: string; left?: boolean }>(svc, 'POST', '/v1/acd/conference', { agent: p.agent, ...body });
    },
  }),
  route({
    method: 'POST',
    path: '/acd/agents/:agent/call',
    access: ['admin', 'supervisor', 'agent'],
    summary: 'Control the agent\'s call: hang up, hold (the PBX plays music on hold to the far party), resume, blind transfer to `to` (agent, queue, IVR menu, extension or outside number); dial `to` (click-to-dial: the PBX rings the agent\'s phone, then calls `to` as if the agent dialled it); consult `to` (holds the party and dials), then complete (the held and consulted parties talk, the agent leaves) or cancel; answer is refused with the reason (only the phone can answer). A user with role agent acts only for the agent on its own desk phone',
    tag: 'acd',
    params,
    body: {
      type: 'object', additionalProperties: false, required: ['action'],
      properties: {
        action: { type: 'string', enum: ['answer', 'hangup', 'hold', 'resume', 'transfer', 'dial', 'consult', 'complete', 'cancel'] },
        to: { type: 'string', pattern: '^[0-9*#+]{1,32}$' },
      },
    },
    response: { status: 200, schema: { type: 'object', required: ['agent', 'action', 'callId'], properties: { agent: { type: 'string' }, action: { type: 'string' }, callId: { type: 'string' }, dialCallId: { type: 'string' } } } },
    async handler({ svc, user, params: p, body }) {
      await requireOwnAgent(svc, user, p.agent);
      return pbxCall<{ agent: string; action: string; callId: string; dialCallId?: string }>(svc, 'POST', '/v1/acd/call', { agent: p.agent, ...body }, '呼叫控制被拒绝');
    },
  }),
];
