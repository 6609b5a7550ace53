// A real single-node Slurm cluster for one test, started under a scratch folder (Debian 12's
// slurm-wlm 22.05 and munge, as root, no systemd): munged on its own socket, slurmctld and slurmd
// in the foreground as children, free loopback ports, the node's geometry from `slurmd -C`. What it
// takes: munged refuses a socket whose parent folders are not searchable by all (the scratch folder
// is made 0755); a non-default socket must be named in slurm.conf (AuthInfo) and SLURM_CONF exported
// to the client commands; the machine's hostname is not `localhost`, so slurmd runs with
// `-N localhost`; MailProg=/bin/true quiets slurmctld; batch_sched_delay=0,sched_min_interval=0
// start array tasks together instead of in waves. `findSlurm()` says why a cluster cannot start
// here (not root, a program missing), so the test can skip loudly.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const PROGRAMS = ['munged', 'mungekey', 'munge', 'unmunge', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'sinfo'];
const DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];

function which(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':').filter(Boolean), ...DIRS]) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return null;
}

/** The programs' paths, or why no cluster can start (shown as the skip reason). */
export function findSlurm(): { paths: Record<string, string> } | { missing: string } {
  if (process.getuid?.() !== 0) return { missing: 'the daemons need root (munged, slurmd); run CI as root' };
  const paths: Record<string, string> = {};
  const absent: string[] = [];
  for (const p of PROGRAMS) {
    const at = which(p);
    if (at) paths[p] = at;
    else absent.push(p);
  }
  if (absent.length) return { missing: `${absent.join(', ')} not installed (apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge; .ci/run does it)` };
  return { paths };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (e) {
      last = (e as Error).message.split('\n')[0];
    }
    if (Date.now() > deadline) throw new Error(`slurm test cluster: ${what} did not happen within ${timeoutMs / 1000} s${last ? ` (${last})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SlurmCluster {
  /** The scratch folder (logs under log/). */
  root: string;
  /** Environment for the client commands (SLURM_CONF) and for jobs. */
  env: NodeJS.ProcessEnv;
  /** Runs a Slurm client command; its standard output. */
  cmd(name: 'sbatch' | 'squeue' | 'scontrol' | 'sinfo', args: string[], env?: NodeJS.ProcessEnv): Promise<string>;
  /** Waits until none of the jobs is queued or running; returns `scontrol show job` per job id (array tasks included). */
  waitFor(jobIds: string[], timeoutMs?: number): Promise<Map<string, Record<string, string>>>;
  /** Stops slurmd, slurmctld and munged, each by its PID, waiting for it to exit. */
  stop(): Promise<void>;
  /** The daemons' logs, for a failure message. */
  logs(): string;
}

function daemon(path: string, args: string[], env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const append = (d: Buffer) => writeFileSync(log, d, { flag: 'a' });
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  return child;
}

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Parses `scontrol show job` output: one record per job, `Key=Value` pairs. */
function parseJobs(text: string): Array<Record<string, string>> {
  return text
    .split(/\n\s*\n/)
    .map((block) => {
      const rec: Record<string, string> = {};
      for (const m of block.matchAll(/(\w+)=(\S*)/g)) rec[m[1]] ??= m[2];
      return rec;
    })
    .filter((r) => r.JobId);
}

export async function startSlurm(paths: Record<string, string>): Promise<SlurmCluster> {
  const root = mkdtempSync(join(tmpdir(), 'vlm-slurm-'));
  // munged refuses a socket whose parent folders are not searchable by all
  chmodSync(root, 0o755);
  for (const d of ['munge', 'munge-run', 'etc', 'state', 'spool', 'run', 'log']) mkdirSync(join(root, d), { recursive: true, mode: 0o755 });
  chmodSync(join(root, 'munge'), 0o700);
  const children: ChildProcess[] = [];
  const socket = join(root, 'munge-run', 'munge.socket.2');
  const key = join(root, 'munge', 'munge.key');
  const conf = join(root, 'etc', 'slurm.conf');
  const env: NodeJS.ProcessEnv = { ...process.env, SLURM_CONF: conf };
  const cluster: SlurmCluster = {
    root,
    env,
    async cmd(name, args, extra) {
      return (await run(paths[name], args, { env: { ...env, ...extra }, maxBuffer: 1 << 24 })).stdout;
    },
    async waitFor(jobIds, timeoutMs = 120_000) {
      await until(
        `jobs ${jobIds.join(', ')} to finish`,
        async () => ((await cluster.cmd('squeue', ['-h', '-j', jobIds.join(',')])).trim() === '' ? true : null),
        timeoutMs,
      );
      const out = new Map<string, Record<string, string>>();
      for (const id of jobIds) for (const rec of parseJobs(await cluster.cmd('scontrol', ['show', 'job', id]))) out.set(rec.JobId, rec);
      return out;
    },
    async stop() {
      // slurmd, then slurmctld, then munged
      for (const child of [...children].reverse()) await stopChild(child);
    },
    logs() {
      const read = (f: string) => {
        try {
          return readFileSync(join(root, 'log', f), 'utf8').slice(-3000);
        } catch {
          return '(none)';
        }
      };
      return ['slurmctld.log', 'slurmd.log', 'munged.log', 'daemons.out'].map((f) => `--- ${f}\n${read(f)}`).join('\n');
    },
  };
  try {
    await run(paths.mungekey, ['-c', '-k', key]);
    chmodSync(key, 0o400);
    children.push(
      daemon(paths.munged, ['-F', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(root, 'munge-run', 'munged.pid')}`, `--seed-file=${join(root, 'munge', 'seed')}`, `--log-file=${join(root, 'log', 'munged.log')}`], env, join(root, 'log', 'daemons.out')),
    );
    await until('munged to answer', async () => {
      const cred = (await run(paths.munge, ['-n', '-S', socket])).stdout;
      const child = execFile(paths.unmunge, ['-S', socket]);
      child.stdin!.end(cred);
      return (await new Promise<number | null>((r) => child.on('exit', r))) === 0 ? true : null;
    });
    const geometry = (await run(paths.slurmd, ['-C'])).stdout.split('\n')[0].replace(/^NodeName=\S+\s*/, '');
    const [ctldPort, dPort] = [await freePort(), await freePort()];
    writeFileSync(
      conf,
      [
        'ClusterName=vlmtest',
        'SlurmctldHost=localhost',
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${dPort}`,
        `StateSaveLocation=${join(root, 'state')}`,
        `SlurmdSpoolDir=${join(root, 'spool')}`,
        `SlurmctldPidFile=${join(root, 'run', 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(root, 'run', 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(root, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(root, 'log', 'slurmd.log')}`,
        'MailProg=/bin/true',
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/filetxt',
        `JobCompLoc=${join(root, 'log', 'jobcomp.txt')}`,
        'MpiDefault=none',
        'SwitchType=switch/none',
        'SchedulerType=sched/backfill',
        'SchedulerParameters=batch_sched_delay=0,sched_min_interval=0',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        'MinJobAge=300',
        `NodeName=localhost NodeAddr=127.0.0.1 ${geometry} State=UNKNOWN`,
        'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
        '',
      ].join('\n'),
    );
    children.push(daemon(paths.slurmctld, ['-D', '-f', conf], env, join(root, 'log', 'daemons.out')));
    await until('slurmctld to be UP', async () => ((await cluster.cmd('scontrol', ['ping'])).includes('is UP') ? true : null));
    // the machine's hostname is not `localhost`: -N names the node as slurm.conf does
    children.push(daemon(paths.slurmd, ['-D', '-N', 'localhost', '-f', conf], env, join(root, 'log', 'daemons.out')));
    await until('the node to be idle', async () => ((await cluster.cmd('sinfo', ['-h', '-n', 'localhost', '-o', '%t'])).trim() === 'idle' ? true : null));
  } catch (e) {
    const logs = cluster.logs();
    await cluster.stop();
    throw new Error(`${(e as Error).message}\n${logs}`);
  }
  return cluster;
}
