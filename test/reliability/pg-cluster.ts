/**
 * A throwaway PostgreSQL cluster for the reliability suite: `initdb` and `pg_ctl` of the
 * installed PostgreSQL, run as the `postgres` OS user when we are root (initdb refuses
 * root), data in a temp folder, listening on 127.0.0.1 at a spare port, removed at the
 * end. The fault tests stop and restart this cluster, never a shared server.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a running cluster is: plain data, so a test file can control it too. */
export interface ClusterInfo {
  bin: string;
  dir: string;
  port: number;
  url: string;
}

/** The installed PostgreSQL's bin folder (`TICKETRY_PG_BIN`, else the newest /usr/lib/postgresql/N/bin), or null. */
export function findPgBin(): string | null {
  const own = process.env.TICKETRY_PG_BIN;
  if (own) return existsSync(join(own, 'initdb')) ? own : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

/** A port nobody listens on at this moment. */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => process.getuid?.() === 0;

/** Runs a PostgreSQL program, as `postgres` when we are root. */
function pgRun(info: Pick<ClusterInfo, 'bin'>, program: string, args: string[], timeoutMs = 120_000): string {
  const file = join(info.bin, program);
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  return execFileSync(cmd, argv, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

function serverOptions(info: ClusterInfo): string {
  // Enough connections for 4 processes x 16 callers plus probes; small buffers (a shared
  // 2-core machine); fsync stays on: a crash test must not be helped by a lying disk.
  return [
    `-p ${info.port}`,
    `-k ${info.dir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c max_connections=200',
    '-c shared_buffers=64MB',
    '-c log_min_messages=warning',
  ].join(' ');
}

/** Starts (or restarts, after `stop`) the cluster and waits until it accepts connections. */
export function startCluster(info: ClusterInfo): void {
  pgRun(info, 'pg_ctl', ['-D', join(info.dir, 'data'), '-o', serverOptions(info), '-l', join(info.dir, 'log'), '-w', '-t', '60', 'start']);
}

/** Stops the cluster: `fast` (clients disconnected, clean shutdown) or `immediate` (a crash: recovery at next start). */
export function stopCluster(info: ClusterInfo, mode: 'fast' | 'immediate' = 'fast'): void {
  pgRun(info, 'pg_ctl', ['-D', join(info.dir, 'data'), '-m', mode, '-w', '-t', '60', 'stop']);
}

/** Whether the cluster's postmaster is running. */
export function clusterRunning(info: ClusterInfo): boolean {
  try {
    pgRun(info, 'pg_ctl', ['-D', join(info.dir, 'data'), 'status']);
    return true;
  } catch {
    return false;
  }
}

/** Makes a fresh cluster in a temp folder and starts it. */
export async function createCluster(bin: string): Promise<ClusterInfo> {
  const dir = mkdtempSync(join(tmpdir(), 'ticketry-rel-pg-'));
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await sparePort();
  const info: ClusterInfo = { bin, dir, port, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
  pgRun(info, 'initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  startCluster(info);
  return info;
}

/** Stops the cluster if it runs and removes its folder. */
export function destroyCluster(info: ClusterInfo): void {
  try {
    if (clusterRunning(info)) stopCluster(info, 'immediate');
  } finally {
    rmSync(info.dir, { recursive: true, force: true });
  }
}
