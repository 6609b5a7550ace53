// A hyparquet AsyncBuffer over an open file handle: each slice() is one positioned read, so a
// multi-GB shard is never loaded whole (../shared/spec/datasets.md §2: "Stream row groups; never
// load a whole shard"). hyparquet's own asyncBufferFromFile opens a read stream per slice; one
// handle kept open for the whole read is cheaper and closes deterministically.

import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { AsyncBuffer } from 'hyparquet';

export interface FileBuffer {
  buffer: AsyncBuffer;
  /** Bytes handed out by slice() so far (tests use it to check that only needed row groups are read). */
  bytesRead(): number;
  close(): Promise<void>;
}

/** Opens `file` for positioned reads. The caller must close() it. */
export async function openFileBuffer(file: string): Promise<FileBuffer> {
  const handle = await open(file, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (error) {
    await handle.close();
    throw error;
  }
  let total = 0;
  const buffer: AsyncBuffer = {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const from = start < 0 ? Math.max(size + start, 0) : start;
      const to = Math.min(end === undefined ? size : end < 0 ? size + end : end, size);
      const bytes = await readAt(handle, file, from, Math.max(to - from, 0));
      total += bytes.byteLength;
      return bytes.buffer as ArrayBuffer;
    },
  };
  return { buffer, bytesRead: () => total, close: () => handle.close() };
}

async function readAt(handle: FileHandle, file: string, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await handle.read(bytes, offset, length - offset, position + offset);
    if (bytesRead === 0) {
      throw new Error(
        `${file}: unexpected end of file at byte ${position + offset} (the file shrank while being read?)`,
      );
    }
    offset += bytesRead;
  }
  return bytes;
}
