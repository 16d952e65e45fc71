import * as net from 'node:net';

/** How long a driver may take to stop after kindling-submit went away before it is ended. */
export const LIFELINE_GRACE_MS = 10_000;

/**
 * Runs in the driver (from the tsx preload): kindling-submit keeps the other end of a pipe on fd
 * `fd`. When kindling-submit dies, even by kill -9, the pipe reaches end-of-file (on Linux and
 * macOS alike) and the driver is sent SIGTERM: an app that handles SIGTERM stops its
 * KindlingContext (and executors); otherwise the default action ends the process, and executors
 * exit as soon as their connection to the driver closes. The pipe never keeps the driver alive.
 */
export function watchSubmitter(fd: number, onLost: () => void = endDriver): void {
  let socket: net.Socket;
  try {
    socket = new net.Socket({ fd, readable: true, writable: false });
  } catch {
    return; // not started by kindling-submit with a lifeline: nothing to watch
  }
  socket.unref();
  socket.on('data', () => undefined);
  socket.once('end', onLost);
  socket.once('error', onLost);
}

function endDriver(): void {
  process.stderr.write('[kindling] kindling-submit has exited; stopping the driver\n');
  setTimeout(() => process.exit(143), LIFELINE_GRACE_MS).unref();
  process.kill(process.pid, 'SIGTERM');
}
