/**
 * The driver's connection to the standalone master (Spark's StandaloneAppClient): registers the
 * application with whichever listed master leads, relays the master's executor news, and, when
 * the master goes away, registers again (same app id, same executors) with its successor.
 */
import { connectRpc, type RpcConnectionLike, type RpcMessage } from '@kindling/core/cluster-manager';
import { StandaloneError } from './standalone-error.js';
import { formatStandaloneUrl, type MasterAddress } from './standalone-master-url.js';
import { Msg, registerStandaloneMessages, type ApplicationDescription, type ExecutorDescription } from './standalone-messages.js';

export interface AppClientListener {
  onMessage(msg: RpcMessage): void;
  /** The executors to report when registering again with a new master. */
  currentExecutors(): ExecutorDescription[];
  nextExecutorId(): number;
}

/** Registration rounds over all masters before giving up (Spark: 3 rounds). */
const REGISTRATION_ROUNDS = 3;

export class StandaloneAppClient {
  private conn: RpcConnectionLike | undefined;
  private appIdValue: string | undefined;
  private stopped = false;
  private reconnecting: Promise<void> | undefined;
  private connectedWaiters: Array<() => void> = [];

  constructor(
    private readonly masters: MasterAddress[],
    private readonly desc: ApplicationDescription,
    private readonly secret: string | undefined,
    private readonly listener: AppClientListener,
    private readonly log: (message: string) => void = (m) => console.warn(`[kindling] ${m}`),
  ) {
    registerStandaloneMessages();
  }

  get appId(): string {
    if (!this.appIdValue) throw new StandaloneError('The application is not registered with a master yet');
    return this.appIdValue;
  }

  /** Registers with the leading master; rejects with "All masters are unresponsive" when none answers. */
  async register(): Promise<string> {
    const problems: string[] = [];
    for (let round = 0; round < REGISTRATION_ROUNDS && !this.stopped; round++) {
      if (round > 0) await delay(1000 * round);
      for (const m of this.masters) {
        try {
          if (await this.registerWith(m)) return this.appId;
          problems.push(`${formatStandaloneUrl([m])} is a standby master`);
        } catch (e) {
          problems.push(`${formatStandaloneUrl([m])}: ${(e as Error).message}`);
        }
      }
    }
    throw new StandaloneError(
      `All masters are unresponsive! Giving up. (${problems.slice(-this.masters.length).join('; ')}); ` +
        'check that kindling-master runs at the master URL and that kindling.authenticate and the secret match',
    );
  }

  /** An ask to the current master; waits (up to `waitMs`) while a new master is being found. */
  async ask(type: string, payload: Record<string, unknown>, waitMs = 30_000): Promise<RpcMessage> {
    if (!this.conn || this.conn.closed) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new StandaloneError(`No master answered within ${waitMs} ms; cannot send '${type}'`)), waitMs);
        this.connectedWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.conn!.ask(type, payload);
  }

  /** Leaves the master: it stops whatever executors are left and frees the app's resources. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.conn && !this.conn.closed && this.appIdValue) {
      try {
        this.conn.send(Msg.UnregisterApplication, { appId: this.appIdValue });
      } catch {
        // the master is gone; it sees the closed connection when it comes back
      }
    }
    this.conn?.close();
  }

  private async registerWith(m: MasterAddress): Promise<boolean> {
    const conn = await connectRpc({ host: m.host, port: m.port, secret: this.secret, timeoutMs: 10_000, askTimeoutMs: 20_000 });
    conn.onMessage((msg) => this.listener.onMessage(msg));
    let answer: RpcMessage;
    try {
      answer = await conn.ask(Msg.RegisterApplication, {
        description: this.desc,
        appId: this.appIdValue ?? '',
        executors: this.listener.currentExecutors(),
        nextExecutorId: this.listener.nextExecutorId(),
      });
    } catch (e) {
      conn.close();
      throw e;
    }
    if (answer.type !== Msg.RegisteredApplication || this.stopped) {
      conn.close();
      return this.stopped;
    }
    this.appIdValue = String(answer.payload['appId']);
    this.conn = conn;
    conn.onClose(() => {
      if (this.conn !== conn || this.stopped) return;
      this.conn = undefined;
      this.log(`Connection to master ${formatStandaloneUrl([m])} lost; waiting for a master to take the application back (running executors keep working)`);
      this.reconnect();
    });
    for (const w of this.connectedWaiters.splice(0)) w();
    return true;
  }

  /** Running applications are unaffected while no master leads; keep trying until one does. */
  private reconnect(): void {
    this.reconnecting ??= (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        await delay(Math.min(250 * 2 ** attempt, 2000));
        for (const m of this.masters) {
          if (this.stopped) return;
          try {
            if (await this.registerWith(m)) {
              this.log(`Application ${this.appIdValue} registered again with master ${formatStandaloneUrl([m])}`);
              return;
            }
          } catch {
            // not up yet
          }
        }
      }
    })().finally(() => (this.reconnecting = undefined));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
