import zookeeper from 'node-zookeeper-client';

/** A ZooKeeper session, as one Mesos master process holds. */
export async function connectZooKeeper(connectString: string): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connectString, { sessionTimeout: 6000 });
  await new Promise<void>((resolve) => {
    client.once('connected', () => resolve());
    client.connect();
  });
  return client;
}

/** What a Mesos master writes: an ephemeral sequential `json.info_` node holding its JSON MasterInfo. */
export async function publishMaster(
  client: zookeeper.Client,
  path: string,
  master: { id: string; hostname: string; port: number },
): Promise<string> {
  await new Promise<void>((resolve, reject) =>
    client.mkdirp(path, (e) => (e ? reject(e) : resolve())),
  );
  const info = {
    id: master.id,
    ip: 0x0100007f, // 127.0.0.1 packed in network order
    port: master.port,
    hostname: master.hostname,
    version: '1.11.0',
    address: { hostname: master.hostname, ip: '127.0.0.1', port: master.port },
  };
  return new Promise((resolve, reject) =>
    client.create(`${path}/json.info_`, Buffer.from(JSON.stringify(info)), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
}
