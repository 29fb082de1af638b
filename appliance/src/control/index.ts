/** PBX control channel: HTTP/1.1 over a unix socket, server for the PBX and client for the CLI and mgmt. */
export type { ControlErrorBody, ControlHandlers, PbxStatus } from './types.ts';
export { startControlServer, ControlSocketInUseError } from './server.ts';
export { ControlClient, ControlRequestError, PbxNotRunningError } from './client.ts';
