import { HadoopIpcClient } from '../ipc/hadoop-ipc-client.js';
import type { HadoopToken } from '../ipc/hadoop-token.js';
import { containerIdString } from '../ipc/yarn-ids.js';
import { HadoopIpcError } from '../yarn-errors.js';
import type { YarnContainer } from './amrm-client.js';

const PROTOCOL = 'org.apache.hadoop.yarn.api.ContainerManagementProtocolPB';

export interface LaunchContext {
  localResources: Array<{ key: string; value: Record<string, unknown> }>;
  environment: Record<string, string>;
  command: string;
}

interface ExceptionMap {
  containerId: YarnContainer['id'];
  exception?: { message: string; className: string };
}

/**
 * ContainerManagementProtocol: one connection per call to a NodeManager, authenticated with that
 * node's NMToken (SASL DIGEST-MD5), carrying the container's own container_token unchanged.
 */
export async function startContainer(container: YarnContainer, nmToken: HadoopToken, ctx: LaunchContext): Promise<void> {
  const ipc = await HadoopIpcClient.connect({ host: container.nodeId.host, port: container.nodeId.port, protocol: PROTOCOL, token: nmToken });
  try {
    const r = await ipc.call<{ failedRequests: ExceptionMap[] }>(
      'startContainers',
      'hadoop.yarn.StartContainersRequestProto',
      {
        startContainerRequest: [
          {
            containerLaunchContext: {
              localResources: ctx.localResources,
              environment: Object.entries(ctx.environment).map(([key, value]) => ({ key, value })),
              command: [ctx.command],
            },
            containerToken: container.containerToken,
          },
        ],
      },
      'hadoop.yarn.StartContainersResponseProto',
    );
    const failed = r.failedRequests[0];
    if (failed) throw new HadoopIpcError(`NodeManager ${container.nodeId.host}:${container.nodeId.port} refused to start ${containerIdString(failed.containerId ?? container.id)}: ${failed.exception?.className ?? ''} ${failed.exception?.message ?? ''}`.trim());
  } finally {
    ipc.close();
  }
}

export async function stopContainer(container: YarnContainer, nmToken: HadoopToken): Promise<void> {
  const ipc = await HadoopIpcClient.connect({ host: container.nodeId.host, port: container.nodeId.port, protocol: PROTOCOL, token: nmToken });
  try {
    await ipc.call('stopContainers', 'hadoop.yarn.StopContainersRequestProto', { containerId: [container.id] }, 'hadoop.yarn.StopContainersResponseProto');
  } finally {
    ipc.close();
  }
}
