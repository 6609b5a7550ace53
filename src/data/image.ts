// Decodes and validates a dataset image before it is sent to a backend, so a bad image becomes an
// `input` error for its sample (design.md example 5) instead of a server error or a silent wrong
// answer. The `datasets` Image struct holds encoded bytes whose format must be sniffed
// (../shared/spec/datasets.md §2). Caps stop decompression bombs; a full decode catches truncated
// files whose headers still parse. Also tiles several images into one for backends that accept
// fewer images than a sample has (types.ts Backend.maxImages).

import sharp from 'sharp';
import type { ImageInput, ImageRef } from '../types.ts';

export class ImageError extends Error {
  override name = 'ImageError';
}

export interface DecodeImageOptions {
  /** Largest width × height accepted (default 50 million pixels). */
  maxPixels?: number;
  /** Largest encoded size accepted (default 20 MiB). */
  maxBytes?: number;
  /** How messages name the image, e.g. 'image 2' (default 'image', plus its path when it has one). */
  label?: string;
}

type Mime = ImageInput['mime'];

const FORMAT_NAMES: Record<Mime, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
};

/** The image type from its magic bytes, or null when it is none of the four that backends accept. */
export function sniffImageType(bytes: Uint8Array): Mime | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp'; // RIFF....WEBP
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (at(4, 0x37, 0x61) || at(4, 0x39, 0x61))) return 'image/gif'; // GIF87a / GIF89a
  return null;
}

/** Validates an encoded image and returns it (bytes unchanged) with its type and size. Throws ImageError. */
export async function decodeImage(ref: ImageRef, options: DecodeImageOptions = {}): Promise<ImageInput> {
  const { maxPixels = 50e6, maxBytes = 20 * 1024 * 1024 } = options;
  const label = options.label ?? (ref.path ? `image (${ref.path})` : 'image');
  const bytes = ref.bytes;
  if (ref.missing) throw new ImageError(`${label} is missing: the dataset row holds null in its place`);
  if (!(bytes instanceof Uint8Array)) throw new ImageError(`${label} has no bytes (expected a Uint8Array)`);
  if (bytes.length === 0) throw new ImageError(`${label} is empty (0 bytes)`);
  if (bytes.length > maxBytes) {
    throw new ImageError(`${label} is ${byteSize(bytes.length)}, over the ${byteSize(maxBytes)} cap`);
  }
  const mime = sniffImageType(bytes);
  if (!mime) {
    const first = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImageError(`${label} is not a PNG/JPEG/WebP/GIF (first bytes ${first}${bytes.length > 8 ? ' …' : ''})`);
  }
  const format = FORMAT_NAMES[mime];
  let width: number;
  let height: number;
  try {
    // Header only; the pixel cap is checked below so its message can give the size.
    const meta = await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
    width = meta.width ?? 0;
    height = meta.height ?? 0;
  } catch (error) {
    throw new ImageError(`${label}: corrupt or truncated ${format}: ${messageOf(error)}`, { cause: error });
  }
  if (!(width > 0 && height > 0)) {
    throw new ImageError(`${label}: corrupt ${format}: its header gives no size (${width}x${height})`);
  }
  if (width * height > maxPixels) {
    throw new ImageError(
      `${label} is ${width}x${height} = ${pixels(width * height)}, over the ${pixels(maxPixels)} cap`,
    );
  }
  try {
    // Decoding every pixel into a thumbnail catches broken data (libvips streams the decode in
    // strips, so memory stays small) at a tenth of the cost of stats(), which is measured in
    // `npm run bench -- openai`. limitInputPixels refuses past the cap even if the header lied.
    await sharp(bytes, { limitInputPixels: Math.max(1, Math.floor(maxPixels)), failOn: 'error' })
      .resize({ width: 16, height: 16, fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (error) {
    throw new ImageError(`${label}: corrupt or truncated ${format}: ${messageOf(error)}`, { cause: error });
  }
  return { bytes, mime, width, height };
}

export interface CombineImagesOptions {
  /** Height every image is scaled to, at most (default 1024; smaller when the images are smaller). */
  maxHeight?: number;
  /** Width of the result, at most; everything is scaled down to fit (default 4096). */
  maxWidth?: number;
  /** White gap between images, in pixels (default 8). */
  gap?: number;
}

/**
 * Tiles decoded images left to right, in order, on white, at one common height (the tallest
 * image's, capped), scaled down as a whole to a capped width; returns one PNG. One image is
 * returned as is.
 */
export async function combineImages(images: readonly ImageInput[], options: CombineImagesOptions = {}): Promise<ImageInput> {
  if (images.length === 0) throw new ImageError('combineImages needs at least one image, got none');
  if (images.length === 1) return images[0];
  const { maxHeight = 1024, maxWidth = 4096, gap = 8 } = options;
  let height = Math.min(maxHeight, Math.max(...images.map((img) => img.height)));
  let widths = images.map((img) => Math.max(1, Math.round((img.width * height) / img.height)));
  const gaps = gap * (images.length - 1);
  const total = widths.reduce((a, b) => a + b, 0) + gaps;
  if (total > maxWidth) {
    const scale = (maxWidth - gaps) / (total - gaps);
    height = Math.max(1, Math.floor(height * scale));
    widths = widths.map((w) => Math.max(1, Math.floor(w * scale)));
  }
  const tiles = await Promise.all(
    images.map((img, i) =>
      sharp(img.bytes)
        .resize({ width: widths[i], height, fit: 'fill' })
        .flatten({ background: '#ffffff' })
        .png()
        .toBuffer(),
    ),
  );
  let left = 0;
  const composites = tiles.map((input, i) => {
    const placed = { input, left, top: 0 };
    left += widths[i] + gap;
    return placed;
  });
  const width = left - gap;
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { bytes: new Uint8Array(png.buffer, png.byteOffset, png.byteLength), mime: 'image/png', width, height };
}

function byteSize(n: number): string {
  const trim = (v: number) => v.toFixed(1).replace(/\.0$/, '');
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${trim(n / 1024)} KiB`;
  return `${trim(n / (1024 * 1024))} MiB`;
}

function pixels(n: number): string {
  if (n < 1e5) return `${n} px`;
  const mp = n / 1e6;
  return `${mp >= 10 ? Math.round(mp) : mp.toFixed(1).replace(/\.0$/, '')} MP`;
}

function messageOf(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  const lines = text.split('\n').map((line) => line.trim().replace(/:$/, '')).filter(Boolean);
  return lines.join('; ').slice(0, 300);
}
