// The control socket's agent call command (POST /v1/acd/call): body checked here, bad input is a
// RangeError (the socket answers 400).
import { AGENT_CALL_ACTIONS, type AgentCallAction, type AgentCallControl } from './agent-calls.ts';

/** `{ agent, action, to? }` → AgentCallControl.command. */
export function agentCallCommand(control: AgentCallControl, body: unknown): unknown {
  const b = typeof body === 'object' && body !== null ? body as Record<string, unknown> : {};
  if (typeof b.agent !== 'string' || !/^[0-9]{2,8}$/.test(b.agent)) throw new RangeError('agent must be 2 to 8 digits');
  if (!AGENT_CALL_ACTIONS.includes(b.action as AgentCallAction)) throw new RangeError(`action must be one of ${AGENT_CALL_ACTIONS.join(', ')}`);
  if (b.to !== undefined && (typeof b.to !== 'string' || !/^[0-9*#+]{1,32}$/.test(b.to))) throw new RangeError('to must be a number to dial (digits, *, #, +)');
  return control.command(b.agent, b.action as AgentCallAction, b.to as string | undefined);
}
