/** ACD routing engine: queues, strategies, skills with relaxation, priority, callback, statistics (docs/acd.md). */
export { AcdEngine, DEFAULT_HANDLE_SEC, type AcdEngineOptions, type AcdDecider } from './engine.ts';
export { AcdError, type AcdCommand, type AcdEvent, type AcdListener, type AcdErrorCode, type AgentStateName, type OverflowWhy, type StopRingingWhy } from './events.ts';
export type { AgentStats, QueueStats } from './stats.ts';
export { IndexedHeap } from './indexed-heap.ts';
