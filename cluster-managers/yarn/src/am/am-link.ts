import { fileURLToPath } from 'node:url';
import { registerRpcMessages } from '@kindling/core/cluster-manager';

let registered = false;

/** Registers proto/yarn_am_link.proto with core's RPC (the AM ↔ driver messages), once per process. */
export function registerAmLinkMessages(): void {
  if (registered) return;
  registerRpcMessages(fileURLToPath(new URL('../../proto/yarn_am_link.proto', import.meta.url)));
  registered = true;
}
