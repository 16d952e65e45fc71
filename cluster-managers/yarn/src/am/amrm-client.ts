import { HadoopIpcClient } from '../ipc/hadoop-ipc-client.js';
import type { HadoopToken } from '../ipc/hadoop-token.js';
import type { ContainerId } from '../ipc/yarn-ids.js';
import { HadoopIpcError } from '../yarn-errors.js';

const PROTOCOL = 'org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB';
const T = (n: string) => `hadoop.yarn.${n}`;

export interface YarnContainer {
  id: ContainerId;
  nodeId: { host: string; port: number };
  nodeHttpAddress: string;
  resource: { memory: number; virtualCores: number };
  containerToken: HadoopToken;
}

export interface CompletedContainer {
  containerId: ContainerId;
  state: string;
  diagnostics: string;
  exitStatus: number;
}

export interface AllocateResult {
  amCommand?: string;
  allocated: YarnContainer[];
  completed: CompletedContainer[];
  nmTokens: Array<{ nodeId: { host: string; port: number }; token: HadoopToken }>;
}

/** One ask: the absolute number of containers still wanted at this priority, location and size. */
export interface Ask {
  priority: number;
  resourceName: string;
  memoryMiB: number;
  vCores: number;
  numContainers: number;
}

/**
 * ApplicationMasterProtocol over Hadoop IPC: register, allocate (echoing the last response_id;
 * asks are absolute totals sent only when they change), finish (repeated until unregistered).
 */
export class AmRmClient {
  private responseId = 0;
  private readonly lastAsk = new Map<string, number>();

  private constructor(private ipc: HadoopIpcClient) {}

  static async connect(addresses: Array<{ host: string; port: number }>, amRmToken: HadoopToken): Promise<AmRmClient> {
    const errors: string[] = [];
    for (const a of addresses) {
      try {
        return new AmRmClient(await HadoopIpcClient.connect({ ...a, protocol: PROTOCOL, token: amRmToken }));
      } catch (e) {
        errors.push(`${a.host}:${a.port}: ${(e as Error).message}`);
      }
    }
    throw new HadoopIpcError(`Cannot reach the ResourceManager scheduler: ${errors.join('; ')}`);
  }

  async register(host: string, trackingUrl = ''): Promise<{ maxMemoryMiB: number; maxVCores: number; queue: string }> {
    const r = await this.ipc.call<{ maximumCapability?: { memory: number; virtualCores: number }; queue: string }>(
      'registerApplicationMaster',
      T('RegisterApplicationMasterRequestProto'),
      { host, rpcPort: -1, trackingUrl },
      T('RegisterApplicationMasterResponseProto'),
    );
    this.responseId = 0;
    this.lastAsk.clear();
    return { maxMemoryMiB: r.maximumCapability?.memory ?? 0, maxVCores: r.maximumCapability?.virtualCores ?? 0, queue: r.queue };
  }

  async allocate(asks: Ask[], release: ContainerId[], progress: number): Promise<AllocateResult> {
    const changed = asks.filter((a) => this.lastAsk.get(askKey(a)) !== a.numContainers);
    const r = await this.ipc.call<{
      aMCommand?: string;
      responseId: number;
      allocatedContainers: YarnContainer[];
      completedContainerStatuses: CompletedContainer[];
      nmTokens: AllocateResult['nmTokens'];
    }>(
      'allocate',
      T('AllocateRequestProto'),
      {
        ask: changed.map((a) => ({
          priority: { priority: a.priority },
          resourceName: a.resourceName,
          capability: { memory: a.memoryMiB, virtualCores: a.vCores },
          numContainers: a.numContainers,
          relaxLocality: true,
        })),
        release,
        responseId: this.responseId,
        progress,
      },
      T('AllocateResponseProto'),
      false, // a_m_command is optional: its absence must not read as AM_RESYNC
    );
    for (const a of changed) this.lastAsk.set(askKey(a), a.numContainers);
    this.responseId = r.responseId ?? this.responseId;
    return {
      amCommand: r.aMCommand,
      allocated: r.allocatedContainers,
      completed: r.completedContainerStatuses.map((c) => ({ ...c, diagnostics: c.diagnostics ?? '', exitStatus: c.exitStatus ?? -1000 })),
      nmTokens: r.nmTokens,
    };
  }

  async finish(status: 'APP_SUCCEEDED' | 'APP_FAILED' | 'APP_KILLED', diagnostics: string): Promise<void> {
    for (let i = 0; i < 30; i++) {
      const r = await this.ipc.call<{ isUnregistered: boolean }>(
        'finishApplicationMaster',
        T('FinishApplicationMasterRequestProto'),
        { diagnostics, trackingUrl: '', finalApplicationStatus: status },
        T('FinishApplicationMasterResponseProto'),
      );
      if (r.isUnregistered) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new HadoopIpcError('The ResourceManager never confirmed finishApplicationMaster');
  }

  close(): void {
    this.ipc.close();
  }
}

function askKey(a: Ask): string {
  return `${a.priority}|${a.resourceName}|${a.memoryMiB}|${a.vCores}`;
}
