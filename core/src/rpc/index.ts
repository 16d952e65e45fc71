/** Public API of the RPC layer: framing, envelopes, connections, servers and the block transfer service. */
export { AUTH_FAILED_MESSAGE, DEFAULT_AUTH_TIMEOUT_MS, authProof } from './auth-handshake.js';
export { BlockFetchError } from './block-fetch-error.js';
export {
  type BlockFetchRequest,
  BlockTransferClient,
  type BlockTransferClientOptions,
  DEFAULT_MAX_BYTES_IN_FLIGHT,
  type FetchedBlock,
} from './block-transfer-client.js';
export { type BlockSource, BlockTransferServer, type BlockTransferServerOptions } from './block-transfer-server.js';
export { ByteBudget } from './byte-budget.js';
export { type ConnectRpcOptions, connectRpc } from './connect-rpc.js';
export {
  DEFAULT_MAX_FRAME_BYTES,
  type Frame,
  FrameDecoder,
  MAX_FRAME_CONF_KEY,
  encodeFrame,
} from './frame-codec.js';
export { type Envelope, decodeEnvelope, encodeEnvelope, isMessageType, messageTypes, registerRpcMessages } from './proto-messages.js';
export { DEFAULT_ASK_TIMEOUT_MS, RpcConnection, type RpcConnectionOptions, formatHostPort } from './rpc-connection.js';
export { AuthenticationError, RemoteError, RpcConnectionError, RpcTimeoutError } from './rpc-errors.js';
export { RpcServer, type RpcServerOptions } from './rpc-server.js';
export type { Reply, RpcConnectionLike, RpcMessage } from './rpc-types.js';
