// Opens N connections to host:port and sends each a frame that declares `mib` MiB, streaming the
// body in 1 MiB chunks with backpressure. Prints one JSON line with what each connection saw.
import { connect } from 'node:net';

const [host, port, n, mib] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const chunk = Buffer.alloc(1024 * 1024, 0x61);

function flood() {
  return new Promise((resolve) => {
    let sent = 0;
    const socket = connect({ host, port }, async () => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(mib * 1024 * 1024, 0);
      head.writeUInt32BE(16, 4);
      socket.write(head);
      for (let i = 0; i < mib && !socket.destroyed; i++) {
        sent++;
        if (!socket.write(chunk)) await new Promise((r) => { socket.once('drain', r); socket.once('close', r); });
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ sentMiB: sent }));
    setTimeout(() => socket.destroy(), 30_000).unref();
  });
}

const results = await Promise.all(Array.from({ length: n }, flood));
process.stdout.write(JSON.stringify(results) + '\n');
