// The deployment files, checked where they cannot run here. Kubernetes: every object parses, uses
// only fields the batch/v1 Job and v1 PersistentVolumeClaim APIs define (the Kubernetes API
// reference, v1.33; a typo is an unknown field), and the Indexed Job is set up as sharding needs:
// completionMode Indexed, completions equal to --shards, backoffLimitPerIndex with restartPolicy
// Never (the API requires it), podReplacementPolicy Failed, the shared volume, the HF token from a
// Secret; the merge Job lists exactly the shard directories the eval Job writes. Every flag in
// their args is one `vlm-harness` has. (`kubectl apply --dry-run=client` still asks an API server
// for its discovery, so it cannot check them offline.) The Dockerfile: Node 20 slim, the packed tarball,
// a non-root user matching the pods', the HF cache as a volume at HF_HOME. The sbatch scripts pass
// `bash -n` (and shellcheck where installed); test/shard/slurm.test.ts runs them on a real Slurm.

import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPO, runCli } from '../helpers/run-cli.ts';

const K8S = join(REPO, 'deploy/k8s');

// --- the API fields the manifests may use (a subset of each type, strict: unknown keys fail) ---
const quantity = z.union([z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/), z.number()]);
const metadata = z.strictObject({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).optional(), labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() });
const envVar = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      secretKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional(),
      configMapKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional(),
      fieldRef: z.strictObject({ fieldPath: z.string(), apiVersion: z.string().optional() }).optional(),
    })
    .optional(),
});
const container = z.strictObject({
  name: z.string(),
  image: z.string(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  workingDir: z.string().optional(),
  env: z.array(envVar).optional(),
  resources: z.strictObject({ requests: z.record(z.string(), quantity).optional(), limits: z.record(z.string(), quantity).optional() }).optional(),
  volumeMounts: z.array(z.strictObject({ name: z.string(), mountPath: z.string(), subPath: z.string().optional(), readOnly: z.boolean().optional() })).optional(),
  securityContext: z.record(z.string(), z.unknown()).optional(),
});
const podSpec = z.strictObject({
  restartPolicy: z.enum(['Always', 'OnFailure', 'Never']),
  securityContext: z.strictObject({ runAsNonRoot: z.boolean().optional(), runAsUser: z.number().int().optional(), runAsGroup: z.number().int().optional(), fsGroup: z.number().int().optional() }).optional(),
  containers: z.array(container).min(1),
  volumes: z.array(z.strictObject({ name: z.string(), persistentVolumeClaim: z.strictObject({ claimName: z.string(), readOnly: z.boolean().optional() }).optional(), emptyDir: z.object({}).optional() })).optional(),
  nodeSelector: z.record(z.string(), z.string()).optional(),
  serviceAccountName: z.string().optional(),
});
const jobSpec = z.strictObject({
  completionMode: z.enum(['NonIndexed', 'Indexed']).optional(),
  completions: z.number().int().positive().optional(),
  parallelism: z.number().int().positive().optional(),
  backoffLimit: z.number().int().min(0).optional(),
  backoffLimitPerIndex: z.number().int().min(0).optional(),
  maxFailedIndexes: z.number().int().min(0).optional(),
  podReplacementPolicy: z.enum(['TerminatingOrFailed', 'Failed']).optional(),
  ttlSecondsAfterFinished: z.number().int().min(0).optional(),
  activeDeadlineSeconds: z.number().int().positive().optional(),
  suspend: z.boolean().optional(),
  template: z.strictObject({ metadata: metadata.optional(), spec: podSpec }),
});
const job = z.strictObject({ apiVersion: z.literal('batch/v1'), kind: z.literal('Job'), metadata, spec: jobSpec });
const pvc = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('PersistentVolumeClaim'),
  metadata,
  spec: z.strictObject({
    accessModes: z.array(z.enum(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])),
    resources: z.strictObject({ requests: z.strictObject({ storage: quantity }) }),
    storageClassName: z.string().optional(),
  }),
});
type Job = z.infer<typeof job>;

function load(file: string): unknown[] {
  return parseAllDocuments(readFileSync(join(K8S, file), 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS();
  });
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

function dockerfile(): Array<{ op: string; args: string }> {
  // join continuation lines, drop comments
  const text = readFileSync(join(REPO, 'deploy/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => ({ op: /^\S+/.exec(l)![0].toUpperCase(), args: l.replace(/^\S+\s*/, '') }));
}

/** The long options a command's --help lists. */
async function optionsOf(command: string): Promise<Set<string>> {
  const r = await runCli([command, '--help']);
  expect(r.code).toBe(0);
  return new Set([...r.stdout.matchAll(/(--[a-z][a-z0-9-]*)/g)].map((m) => m[1]));
}

describe('deploy/k8s', () => {
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml'));
  const objects = files.flatMap((f) => load(f).map((o) => ({ file: f, o: o as { kind?: string; metadata?: { name?: string } } })));
  const jobs = new Map(objects.filter((x) => x.o.kind === 'Job').map((x) => [x.o.metadata!.name!, job.parse(x.o)]));
  const claims = objects.filter((x) => x.o.kind === 'PersistentVolumeClaim').map((x) => pvc.parse(x.o));

  it('holds only objects whose fields the Job and PersistentVolumeClaim APIs define', () => {
    expect(files.sort()).toEqual(['eval-job.yaml', 'merge-job.yaml', 'shared-volume.yaml']);
    for (const { file, o } of objects) expect(['Job', 'PersistentVolumeClaim'], file).toContain(o.kind);
    expect([...jobs.keys()].sort()).toEqual(['vlm-eval', 'vlm-merge']);
    expect(claims).toHaveLength(1);
    // an unknown field is caught: the check is not vacuous
    expect(job.safeParse({ ...jobs.get('vlm-eval'), spec: { ...jobs.get('vlm-eval')!.spec, completionsMode: 'Indexed' } }).success).toBe(false);
  });

  it('the eval Job is an Indexed Job whose pods run shard JOB_COMPLETION_INDEX of completions', () => {
    const spec = jobs.get('vlm-eval')!.spec;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.parallelism).toBeLessThanOrEqual(spec.completions!);
    expect(spec.backoffLimitPerIndex).toBeGreaterThanOrEqual(1);
    expect(spec.podReplacementPolicy).toBe('Failed');
    expect(spec.template.spec.restartPolicy).toBe('Never'); // required with backoffLimitPerIndex
    const c = spec.template.spec.containers[0];
    const args = c.args!;
    expect(args[0]).toBe('eval');
    expect(flagValue(args, '--shard')).toBe('auto');
    expect(Number(flagValue(args, '--shards'))).toBe(spec.completions);
    expect(flagValue(args, '--out')).toMatch(/\/shard-\$\(JOB_COMPLETION_INDEX\)$/);
    const env = new Map(c.env!.map((e) => [e.name, e]));
    expect(env.get('HF_TOKEN')?.valueFrom?.secretKeyRef).toMatchObject({ name: 'hf-token', key: 'token' });
    expect(env.get('VLM_JOB_UID')?.valueFrom?.fieldRef?.fieldPath).toBe("metadata.labels['batch.kubernetes.io/controller-uid']");
  });

  it('both Jobs mount the one shared ReadWriteMany volume, and the merge lists exactly the eval shards', () => {
    const [claim] = claims;
    expect(claim.spec.accessModes).toContain('ReadWriteMany');
    const evalJob = jobs.get('vlm-eval')! as Job;
    const mergeJob = jobs.get('vlm-merge')! as Job;
    for (const j of [evalJob, mergeJob]) {
      const pod = j.spec.template.spec;
      const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
      for (const m of pod.containers[0].volumeMounts!) expect(volumes.get(m.name)?.persistentVolumeClaim?.claimName, m.name).toBe(claim.metadata.name);
      expect(pod.containers[0].volumeMounts!.map((m) => m.mountPath).sort()).toEqual(['/cache/huggingface', '/runs']);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
      expect(pod.containers[0].env!.find((e) => e.name === 'HF_HOME')?.value).toBe('/cache/huggingface');
    }
    const shardOut = flagValue(evalJob.spec.template.spec.containers[0].args!, '--out')!;
    const margs = mergeJob.spec.template.spec.containers[0].args!;
    expect(margs[0]).toBe('merge');
    const dirs = margs.slice(1, margs.indexOf('--out'));
    expect(dirs).toEqual(Array.from({ length: evalJob.spec.completions! }, (_, i) => shardOut.replace('$(JOB_COMPLETION_INDEX)', String(i))));
    expect(flagValue(margs, '--out')).toBe(shardOut.replace(/shard-\$\(JOB_COMPLETION_INDEX\)$/, 'merged'));
  });

  it('every flag in the Jobs’ args is one vlm-harness has', async () => {
    for (const [name, j] of jobs) {
      const args = j.spec.template.spec.containers[0].args!;
      const known = await optionsOf(args[0]);
      for (const a of args.filter((x) => x.startsWith('--'))) expect(known.has(a), `${name}: ${a}`).toBe(true);
    }
  });
});

describe('deploy/Dockerfile', () => {
  const ins = dockerfile();
  it('Node 20 slim, the packed tarball installed, a non-root user, the HF cache as a volume', () => {
    expect(ins[0]).toEqual({ op: 'FROM', args: 'node:20-slim' });
    const env = ins.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
    const hfHome = /HF_HOME=(\S+)/.exec(env)?.[1];
    expect(hfHome).toBe('/cache/huggingface');
    expect(ins.find((i) => i.op === 'COPY')?.args).toMatch(/^vlm-harness-\*\.tgz /);
    const run = ins.find((i) => i.op === 'RUN')!.args;
    expect(run).toMatch(/npm install --global .*vlm-harness-\*\.tgz/);
    expect(run).toMatch(/useradd .*--uid 10001/);
    const user = ins.filter((i) => i.op === 'USER').at(-1)!.args;
    expect(user).toMatch(/^10001(:10001)?$/);
    const volume = ins.find((i) => i.op === 'VOLUME')!.args;
    expect(JSON.parse(volume)).toContain(hfHome);
    expect(JSON.parse(ins.find((i) => i.op === 'ENTRYPOINT')!.args)).toEqual(['vlm-harness']);
    // a Dockerfile instruction this parser does not know would be a typo
    for (const i of ins) expect(['FROM', 'ENV', 'COPY', 'RUN', 'USER', 'WORKDIR', 'VOLUME', 'ENTRYPOINT', 'CMD', 'ARG', 'LABEL'], i.args).toContain(i.op);
  });
});

describe('deploy/slurm', () => {
  it('the sbatch scripts are valid bash (and clean under shellcheck where it is installed)', () => {
    const scripts = ['eval-array.sbatch', 'merge.sbatch'].map((f) => join(REPO, 'deploy/slurm', f));
    for (const s of scripts) execFileSync('bash', ['-n', s]);
    const sc = spawnSync('shellcheck', scripts, { encoding: 'utf8' });
    if (sc.error) return; // not installed
    expect(sc.status, sc.stdout).toBe(0);
  });
});
