// One model name per GPU part, whatever the tool printed. spec/telemetry.md §3: the same MI300X
// appears as `AMD Instinct MI300X`, `AMD Instinct MI300X OAM`, `MI300X-O` and `MI300X VF`; older
// rocm-smi wraps it in a series string (`Arcturus GL-XL [AMD Instinct MI100]`); rocminfo names
// MI250 and MI250X alike (`AMD Instinct MI250X/MI250`, ROCm/rocm_smi_lib#165).

export interface ModelHints {
  /** PCI device id (`0x74a1`), used when the name is missing or says nothing. */
  deviceId?: string | null;
  /** Compute units per GCD: MI250X has 110, MI250 has 104 (AMD product pages); the name cannot tell. */
  computeUnits?: number | null;
}

/** The name rocminfo gives both MI250 and MI250X when nothing else tells them apart. */
export const MI250_AMBIGUOUS = 'MI250X/MI250';

// PCI device ids from spec §3 (MI210 0x740f, MI250/MI250X 0x740c, MI300X 0x74a1 and the Azure VF id
// 0x74b5), plus MI100 (Arcturus, 0x738c) and MI300A (0x74a0) from the amdgpu PCI id table.
const AMD_DEVICE_IDS: Record<string, string> = {
  '0x738c': 'MI100',
  '0x740f': 'MI210',
  '0x740c': MI250_AMBIGUOUS,
  '0x74a0': 'MI300A',
  '0x74a1': 'MI300X',
  '0x74b5': 'MI300X',
};

const NVIDIA_PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => string]> = [
  [/\b(G[BH]\d{2,3})\b/i, (m) => m[1].toUpperCase()], // GB10, GB200, GH200
  [/\b([ABH]\d{2,3}G?)\b/i, (m) => m[1].toUpperCase()], // A100, A10G, H100, H200, B200
  [/\b(L40S?|L4|T4|V100|P100)\b/i, (m) => m[1].toUpperCase()],
  [/\bRTX\s*(PRO\s*)?(\d{4})(\s*Ada)?/i, (m) => `RTX ${m[1] ? 'PRO ' : ''}${m[2]}${m[3] ? ' Ada' : ''}`],
];

/**
 * `MI300X`, `MI250X/MI250` (undecidable), `H100`, `GB10` …; null when the name names no known part.
 * A device id or compute-unit count in `hints` fills the gaps the name leaves.
 */
export function normalizeGpuModel(name: string | null | undefined, hints: ModelHints = {}): string | null {
  const fromName = name ? modelFromName(name) : null;
  const fromId = hints.deviceId ? (AMD_DEVICE_IDS[hints.deviceId.toLowerCase()] ?? null) : null;
  const model = fromName ?? fromId;
  if (model === MI250_AMBIGUOUS || model === 'MI250' || model === 'MI250X') {
    if (hints.computeUnits === 110 || hints.computeUnits === 220) return 'MI250X';
    if (hints.computeUnits === 104 || hints.computeUnits === 208) return 'MI250';
  }
  return model;
}

function modelFromName(name: string): string | null {
  if (/MI250X\s*\/\s*MI250\b/i.test(name)) return MI250_AMBIGUOUS;
  const amd = /\bMI\d{3}[AX]?/i.exec(name);
  if (amd) return amd[0].toUpperCase();
  for (const [re, pick] of NVIDIA_PATTERNS) {
    const m = re.exec(name);
    if (m) return pick(m);
  }
  return null;
}

/** Nominal VRAM of one whole device in MiB, for spotting partitions that report it (ROCm/ROCm#4750). */
export const FULL_DEVICE_VRAM_MIB: Record<string, number> = {
  MI300X: 196608, // 192 GiB; reported as 196592 or 196288 MiB
  MI325X: 262144, // 256 GiB
  MI300A: 131072, // 128 GiB unified
};

/** Partitions per device in CPX mode (one per XCD): MI300X/MI325X have 8 XCDs, MI300A 6. */
export const CPX_PARTITIONS: Record<string, number> = { MI300X: 8, MI325X: 8, MI300A: 6 };
