// The control socket's supervisor and conference commands (POST /v1/acd/supervise and
// /v1/acd/conference): bodies checked here, bad input is a RangeError (the socket answers 400).
import type { SupervisorAction } from '../../dialplan/index.ts';
import type { Conferences } from '../conference/conferences.ts';
import type { Supervision } from './supervision.ts';

const ACTIONS: readonly SupervisorAction[] = ['listen', 'whisper', 'barge', 'release', 'not-ready', 'logout'];
const NUMBER = /^[0-9]{2,8}$/;

function fields(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null ? body as Record<string, unknown> : {};
}

function agentOf(b: Record<string, unknown>): string {
  if (typeof b.agent !== 'string' || !NUMBER.test(b.agent)) throw new RangeError('agent must be 2 to 8 digits');
  return b.agent;
}

/** `{ agent, action, supervisor? }` → Supervision.command. */
export function superviseCommand(supervision: Supervision, body: unknown): unknown {
  const b = fields(body);
  const agent = agentOf(b);
  if (!ACTIONS.includes(b.action as SupervisorAction)) throw new RangeError(`action must be one of ${ACTIONS.join(', ')}`);
  if (b.supervisor !== undefined && (typeof b.supervisor !== 'string' || !NUMBER.test(b.supervisor))) throw new RangeError('supervisor must be an extension number');
  return supervision.command(agent, b.action as SupervisorAction, b.supervisor as string | undefined);
}

/** `{ agent, action: merge | leave }` → Conferences. */
export function conferenceCommand(conferences: Conferences, body: unknown): unknown {
  const b = fields(body);
  const agent = agentOf(b);
  if (b.action === 'merge') return conferences.merge(agent);
  if (b.action === 'leave') { conferences.leave(agent); return { agent, left: true }; }
  throw new RangeError('action must be merge or leave');
}
