/** Control channels of the services (PBX, analog gateway): HTTP/1.1 over a unix socket, server for the PBX and client for the CLI and mgmt. */
export type { AcdControlHandlers, BinaryOut, ControlErrorBody, ControlHandlers, ControlRoutes, PbxStatus } from './types.ts';
export { serveControl, startControlServer, ControlSocketInUseError, ControlRouteError, BINARY_BACKLOG_BYTES } from './server.ts';
export { ControlClient, ControlRequestError, ServiceNotRunningError } from './client.ts';
