/** SIP transports (RFC 3261 §18): UDP, TCP, the layer that holds them, and an in-memory fake for tests. */
export type { Endpoint, TransportName } from './endpoint.ts';
export { endpointKey, normalizeAddress } from './endpoint.ts';
export type { MalformedInfo, ParseLimits, Transport, TransportCounters, TransportEvents } from './types.ts';
export { newCounters } from './types.ts';
export { listenUdp } from './udp-transport.ts';
export type { UdpListenOptions } from './udp-transport.ts';
export { listenTcp } from './tcp-transport.ts';
export type { TcpListenOptions } from './tcp-transport.ts';
export { TransportLayer } from './transport-layer.ts';
export type { TransportLayerListenOptions } from './transport-layer.ts';
export { stampVia } from './via-received.ts';
export { stampTopVia } from './inbound.ts';
export { FakeNetwork, FakeTransport } from './fake-transport.ts';
export type { FakeNetworkClock, FakeNetworkConditions, FakeNetworkOptions, PacketFate, SentPacket } from './fake-transport.ts';
