/**
 * `npm run test:reliability`'s global setup: refuses to run without its servers, makes
 * the throwaway Postgres cluster every Postgres scenario uses (and stops and restarts),
 * and at the end prints the table of what each scenario tried and lost, then removes the
 * cluster.
 *
 * Needs: an installed PostgreSQL (initdb, pg_ctl; `TICKETRY_PG_BIN` names another bin
 * folder), and `TICKETRY_MYSQL_URL` pointing at a MariaDB 10.6+ / MySQL 8 server where
 * the user may create databases (each scenario makes its own and drops it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2';
import type { TestProject } from 'vitest/node';
import { formatLedger, readLedger } from './ledger.js';
import { createCluster, destroyCluster, findPgBin, type ClusterInfo } from './pg-cluster.js';
import { SCALE } from './scale.js';

let cluster: ClusterInfo | undefined;
let ledgerDir: string | undefined;

async function checkMysql(url: string): Promise<string> {
  const connection = mysql.createConnection({ uri: url, connectTimeout: 5000 });
  try {
    return await new Promise<string>((resolve, reject) =>
      connection.query('select version() as v', (err, rows) => (err ? reject(err) : resolve(String((rows as { v: string }[])[0]!.v)))),
    );
  } finally {
    connection.destroy();
  }
}

export async function setup(project: TestProject): Promise<void> {
  const bin = findPgBin();
  if (bin === null) {
    throw new Error(
      'The reliability suite needs an installed PostgreSQL to make a throwaway cluster (initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, or TICKETRY_PG_BIN=<bin folder>): install postgresql, it is never skipped',
    );
  }
  const mysqlUrl = process.env.TICKETRY_MYSQL_URL;
  if (!mysqlUrl) {
    throw new Error(
      'The reliability suite needs TICKETRY_MYSQL_URL (a MariaDB 10.6+ / MySQL 8 server where the user may create and drop databases, e.g. mysql://root@127.0.0.1:3306/rel): it is never skipped',
    );
  }
  let version: string;
  try {
    version = await checkMysql(mysqlUrl);
  } catch (err) {
    throw new Error(`The reliability suite cannot reach TICKETRY_MYSQL_URL (${String(err)})`);
  }
  ledgerDir = mkdtempSync(join(tmpdir(), 'ticketry-rel-ledger-'));
  cluster = await createCluster(bin);
  // An interrupted run (Ctrl-C) may skip the teardown: stop and remove the cluster anyway.
  const made = cluster;
  const ledger = ledgerDir;
  process.once('exit', () => {
    if (cluster === made) destroyCluster(made);
    rmSync(ledger, { recursive: true, force: true });
  });
  console.info(`[reliability] scale ${SCALE}; throwaway PostgreSQL cluster ${cluster.dir} on 127.0.0.1:${cluster.port} (${bin}); MySQL ${version}`);
  project.provide('reliabilityLedger', join(ledgerDir, 'ledger.jsonl'));
  project.provide('reliabilityCluster', JSON.stringify(cluster));
}

export async function teardown(): Promise<void> {
  try {
    if (ledgerDir) {
      const rows = readLedger(join(ledgerDir, 'ledger.jsonl'));
      console.info(`\n== reliability (${SCALE}): what was tried and what was lost\n${formatLedger(rows)}\n`);
    }
  } finally {
    if (cluster) destroyCluster(cluster);
    cluster = undefined;
    if (ledgerDir) rmSync(ledgerDir, { recursive: true, force: true });
  }
}
