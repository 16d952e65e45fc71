/**
 * What the driver endpoint allows a connection before it registered as an executor. With
 * authentication on, only peers with the secret get this far; with it off, anyone can, so these
 * limits are what keeps a stray peer from reading stage plans or making the driver buffer much.
 */

/**
 * Frame cap for driver connections that have not registered as executors (with authentication
 * off; with it on, the handshake's own 4 KiB cap applies first). Their messages before
 * registering, retrieveAppConfig and registerExecutor, are a few hundred bytes; without the cap
 * any local process could make the driver buffer kindling.rpc.message.maxSize per connection.
 */
export const UNREGISTERED_PEER_LIMITS = { maxFrameBytes: 64 * 1024, until: 'registered as an executor' } as const;

/** What a driver connection may ask before it registered as an executor (executor-main's order). */
export const PRE_REGISTRATION_MESSAGES: ReadonlySet<string> = new Set(['retrieveAppConfig', 'fetchAppPackage', 'registerExecutor']);
