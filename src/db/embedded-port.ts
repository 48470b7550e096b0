import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { logger } from '../config/logger';

// The embedded cluster's port and its record in the data directory.

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function readRecordedPort(file: string): number | null {
  try {
    const { port } = JSON.parse(fs.readFileSync(file, 'utf8')) as { port: unknown };
    return Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536 ? (port as number) : null;
  } catch {
    return null;
  }
}

/**
 * The cluster's port: EMBEDDED_PG_PORT when set (taken: an error); otherwise the one recorded in the
 * data directory, or, on first start or when something else took it since, a free one chosen by the
 * kernel and recorded, so that each checkout keeps its own port and two checkouts never collide.
 */
export async function clusterPort(options: { dataDir: string; port: number | null }): Promise<number> {
  if (options.port !== null) {
    if (await portFree(options.port)) return options.port;
    throw new Error(
      `EMBEDDED_PG_PORT: port ${options.port} on 127.0.0.1 is taken; unset EMBEDDED_PG_PORT to let the checkout choose its own port, or set DATABASE_URL to a running server`,
    );
  }
  const file = path.join(options.dataDir, 'embedded-pg.json');
  const recorded = readRecordedPort(file);
  if (recorded !== null && (await portFree(recorded))) return recorded;
  const port = await freePort();
  if (recorded !== null) logger().warn({ recorded, port }, 'the recorded port of the embedded database is taken; it moves to a free one');
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ port }));
  fs.renameSync(`${file}.tmp`, file);
  return port;
}
