// Which --device values the in-process ONNX backend can use here. onnxruntime-node's
// listSupportedBackends() names the execution providers its binary was built with and whether each
// ships in the npm package ("bundled"). CPU is everywhere; WebGPU is bundled on most platforms;
// CUDA (Linux x64) and TensorRT are built in but need provider libraries that the package's install
// script downloads next to the binding (libonnxruntime_providers_cuda.so …), so without them they
// are unavailable. The npm build has no ROCm or MIGraphX provider at all.
// transformers.js 4.3.2 (backends/onnx.js) accepts cpu, cuda, webgpu, dml and coreml on Node.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.ts';

/** Devices transformers.js maps to an onnxruntime-node execution provider. */
const TRANSFORMERS_DEVICES = ['cpu', 'cuda', 'webgpu', 'dml', 'coreml'] as const;

const NOT_IN_NPM_BUILD: Readonly<Record<string, string>> = {
  rocm: 'ROCm',
  migraphx: 'MIGraphX',
  openvino: 'OpenVINO',
};

export interface OnnxDeviceInfo {
  name: string;
  available: boolean;
  /** Why an execution provider the binary knows cannot be used here. */
  why?: string;
}

interface OrtBackend {
  name: string;
  bundled: boolean;
}

function ortBindingDir(): string {
  const require = createRequire(import.meta.url);
  const index = require.resolve('onnxruntime-node');
  return join(dirname(index), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

function providerLibrary(name: string): string {
  if (process.platform === 'win32') return `onnxruntime_providers_${name}.dll`;
  if (process.platform === 'darwin') return `libonnxruntime_providers_${name}.dylib`;
  return `libonnxruntime_providers_${name}.so`;
}

/** Every execution provider onnxruntime-node reports, with whether this backend can use it. */
export async function onnxDevices(): Promise<OnnxDeviceInfo[]> {
  const ort = (await import('onnxruntime-node')) as unknown as { listSupportedBackends(): OrtBackend[] };
  const backends = ort.listSupportedBackends();
  const bindingDir = ortBindingDir();
  return backends.map(({ name, bundled }) => {
    if (!(TRANSFORMERS_DEVICES as readonly string[]).includes(name)) {
      return { name, available: false, why: 'transformers.js cannot select it' };
    }
    if (bundled || existsSync(join(bindingDir, providerLibrary(name)))) return { name, available: true };
    return {
      name,
      available: false,
      why: `its provider library ${providerLibrary(name)} is not installed in ${bindingDir} (onnxruntime-node's install script downloads it; it did not run)`,
    };
  });
}

/** Throws a UserError naming the devices that work here when `device` is not one of them. */
export async function checkOnnxDevice(device: string): Promise<void> {
  const devices = await onnxDevices();
  const available = devices.filter((d) => d.available).map((d) => d.name);
  const here = `Available here: ${available.join(', ')}.`;
  const known = devices.find((d) => d.name === device);
  if (known?.available) return;
  if (known) throw new UserError(`--device ${device} cannot be used: ${known.why}. ${here}`);
  const missing = NOT_IN_NPM_BUILD[device.toLowerCase()];
  if (missing) throw new UserError(`--device ${device}: the npm build of onnxruntime-node has no ${missing} execution provider. ${here}`);
  throw new UserError(`Unknown --device '${device}' for the onnx backend. ${here}`);
}
