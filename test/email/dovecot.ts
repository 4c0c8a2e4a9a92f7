/**
 * A real IMAP server for the tests: Dovecot (Debian's dovecot-imapd, 2.3) started from a
 * temp dir on 127.0.0.1 and a free port, with one user and maildir storage in that dir.
 * `stop()` / `start()` take it down and up again on the same port and mail, to test a lost
 * connection; `dispose()` stops it and removes the dir.
 *
 * Without dovecot the IMAP tests skip locally (with a message) and fail in CI
 * (`process.env.CI`): `.ci/run` installs it (`apt-get install -y dovecot-imapd`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ImapFlowOptions } from 'imapflow';

/** A running test Dovecot. */
export interface TestDovecot {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly pass: string;
  /** imapflow options for the test user (cleartext on loopback, no logging). */
  clientOptions(): ImapFlowOptions;
  /** Stops the server (SIGTERM; every connection drops) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same mail. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/** Where the dovecot binary is, or null. sbin is often missing from a non-root PATH. */
export function findDovecot(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const path = join(dir, 'dovecot');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Why the IMAP tests are skipped, or null when they run. Throws in CI, where a missing
 * dovecot must fail the run rather than skip it.
 */
export function dovecotSkipReason(): string | null {
  if (findDovecot() !== null) return null;
  if (process.env.CI) {
    throw new Error('dovecot is not installed, but CI requires the IMAP intake tests: apt-get install -y dovecot-imapd');
  }
  const reason = 'skipped: dovecot is not installed (apt-get install -y dovecot-imapd)';
  console.warn(`[ticketry] IMAP intake tests ${reason}`);
  return reason;
}

/** A port nothing listens on right now (dovecot binds it a moment later; a clash is retried). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The uid/gid of `name` from /etc/passwd, or null. */
function passwdIds(name: string): { uid: number; gid: number } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f[2] !== undefined && f[3] !== undefined) return { uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    // no passwd file
  }
  return null;
}

/** The name of group `gid` from /etc/group (Dovecot wants names), else the number. */
function groupName(gid: number): string {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[2] === String(gid) && f[0]) return f[0];
    }
  } catch {
    // no group file
  }
  return String(gid);
}

/**
 * The config, in Dovecot 2.3 syntax. As root, Dovecot refuses mail access as root, so the
 * mail belongs to `nobody`, and the login/internal processes run as the package's users.
 * As another user, every process runs as that user.
 */
function config(dir: string, port: number, mailIds: { uid: number; gid: number } | null): string {
  const me = userInfo().username;
  const asRoot = process.getuid?.() === 0;
  return [
    'protocols = imap',
    'listen = 127.0.0.1',
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `instance_name = ticketry-test-${port}`,
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain login',
    // A wrong password is answered at once (the default waits 2 s against guessing).
    'auth_failure_delay = 0',
    `log_path = ${dir}/dovecot.log`,
    `mail_location = maildir:${dir}/mail/%u`,
    'mail_fsync = never',
    ...(mailIds ? [`mail_uid = ${mailIds.uid}`, `mail_gid = ${mailIds.gid}`, 'first_valid_uid = 1', 'first_valid_gid = 1'] : []),
    ...(asRoot ? [] : [`default_login_user = ${me}`, `default_internal_user = ${me}`, `default_internal_group = ${groupName(userInfo().gid)}`]),
    'passdb {',
    '  driver = passwd-file',
    `  args = scheme=PLAIN username_format=%u ${dir}/users`,
    '}',
    'userdb {',
    '  driver = passwd-file',
    `  args = username_format=%u ${dir}/users`,
    '}',
    'service imap-login {',
    '  inet_listener imap {',
    '    address = 127.0.0.1',
    `    port = ${port}`,
    '  }',
    '  inet_listener imaps {',
    '    port = 0',
    '  }',
    '  chroot =',
    '}',
    'service anvil {',
    '  chroot =',
    // No auth penalty: after the wrong-password test every login would wait up to 15 s.
    '  unix_listener anvil-auth-penalty {',
    '    mode = 0',
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Resolves once the server greets as ready ("* OK ... ready"), i.e. auth is up too. */
async function waitReady(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  for (;;) {
    if (exited !== undefined) {
      const tail = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`dovecot exited (${exited}) before it was ready:\n${tail.slice(-2000)}`);
    }
    const ready = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let text = '';
      const end = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(2000, () => end(false));
      socket.on('error', () => end(false));
      socket.on('data', (d) => {
        text += d.toString('latin1');
        if (/^\* OK .*ready/m.test(text)) end(true);
      });
      socket.on('close', () => resolve(false));
    });
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on 127.0.0.1:${port} within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Signals the process group `proc` leads (its pid); nothing left in it is fine. */
function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Starts a Dovecot with user `desk` / `secret` on a fresh temp dir and a free port. */
export async function startDovecot(): Promise<TestDovecot> {
  const binary = findDovecot();
  if (binary === null) throw new Error('dovecot is not installed (apt-get install -y dovecot-imapd)');
  const dir = await mkdtemp(join(tmpdir(), 'ticketry-dovecot-'));
  const asRoot = process.getuid?.() === 0;
  const mailIds = asRoot ? passwdIds('nobody') : null;
  if (asRoot && mailIds === null) throw new Error('running as root, dovecot needs the user nobody to own the test mail');
  // The mail processes (as nobody) must reach <dir>/mail; the dir holds nothing secret.
  await chmod(dir, 0o755);
  await mkdir(join(dir, 'run'));
  await mkdir(join(dir, 'state'));
  await mkdir(join(dir, 'mail'));
  if (mailIds) await chown(join(dir, 'mail'), mailIds.uid, mailIds.gid);
  const user = 'desk';
  const pass = 'secret';
  await writeFile(join(dir, 'users'), `${user}:{PLAIN}${pass}:::::\n`);
  const log = join(dir, 'dovecot.log');

  let port = 0;
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const conf = join(dir, 'dovecot.conf');
    await writeFile(conf, config(dir, port, mailIds));
    // A process group of its own, so stop() can end the master's children too.
    const proc = spawn(binary, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child = proc;
    try {
      await waitReady(port, proc, log);
    } catch (err) {
      killGroup(proc, 'SIGKILL');
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
  };
  // The master exits on SIGTERM while a session's imap process may serve on for a moment;
  // a lost connection must be lost when stop() resolves, so what is left of the group is killed.
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (proc === undefined) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        killGroup(proc, 'SIGTERM');
      });
    }
    killGroup(proc, 'SIGKILL');
  };

  // Another process may take the free port before dovecot binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  return {
    host: '127.0.0.1',
    port,
    user,
    pass,
    clientOptions: () => ({
      host: '127.0.0.1',
      port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass },
      logger: false,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
    }),
    stop,
    start: launch,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
