/**
 * wherez: find the machines that share your passphrase, over the BitTorrent Mainline DHT,
 * wire-compatible with the 2014 Go wherez. Library surface (re-exports only).
 */
export { findAuthenticatedPeers, PUBLIC_BOOTSTRAP, type FindOptions } from './discovery/find.js';
export { Discovery, type DiscoveryOptions, type DiscoveryEvents } from './discovery/discovery.js';
export { DhtNode, type DhtNodeOptions } from './discovery/dht.js';
export { startTestnet, type Testnet, type TestnetOptions } from './discovery/testnet.js';
export { SelfDetector } from './discovery/self-detector.js';
export { DEFAULT_TIMING, type DiscoveryTiming } from './discovery/timing.js';
export { infohashV1 } from './discovery/infohash.js';
export * as handshakeV1 from './discovery/handshake-v1.js';
export { type Peer } from './peer.js';
/** `formatPeer` is the one endpoint formatter (`1.2.3.4:80`, `[::1]:80`), kept under its old name. */
export { type Endpoint, formatEndpoint, formatEndpoint as formatPeer } from './net/endpoint.js';
export { WherezError, ERROR_CODES, type ErrorCode, isWherezError } from './errors.js';
