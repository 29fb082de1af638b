export { Trunk, type TrunkState, type TrunkStatus } from './trunk.ts';
export { TrunkManager } from './trunk-manager.ts';
