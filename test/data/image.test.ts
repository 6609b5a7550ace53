import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { combineImages, decodeImage, ImageError, sniffImageType } from '../../src/data/image.ts';
import { makeImage } from './parquet-fixtures.ts';

const ref = (bytes: Uint8Array, path: string | null = null) => ({ bytes, path });

/** Rewrites a PNG's IHDR size (with a valid CRC): a tiny file whose header claims a huge image. */
function withPngSize(png: Uint8Array, width: number, height: number): Uint8Array {
  const out = png.slice();
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out.subarray(12, 29)));
  return out;
}

describe('decodeImage', () => {
  it.each([
    ['png', 'image/png'],
    ['jpeg', 'image/jpeg'],
    ['webp', 'image/webp'],
    ['gif', 'image/gif'],
  ] as const)('accepts a valid %s and reports its type and size', async (format, mime) => {
    const bytes = await makeImage(40, 30, format);
    const decoded = await decodeImage(ref(bytes));
    expect(decoded).toEqual({ bytes, mime, width: 40, height: 30 });
    expect(decoded.bytes).toBe(bytes);
  });

  it('rejects truncated PNG and JPEG data with an ImageError saying so', async () => {
    const png = await makeImage(64, 64, 'png');
    const jpeg = await makeImage(64, 64, 'jpeg');
    await expect(decodeImage(ref(png.subarray(0, png.length - 40)))).rejects.toThrow(/corrupt or truncated PNG/);
    await expect(decodeImage(ref(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).rejects.toThrow(/corrupt or truncated JPEG: .*premature end/i);
    const error = await decodeImage(ref(png.subarray(0, 40), 'x.png')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as Error).name).toBe('ImageError');
    expect((error as Error).message).toMatch(/^image \(x\.png\): corrupt or truncated PNG/);
  });

  it('rejects bytes that are not an image, showing the first bytes', async () => {
    const junk = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await expect(decodeImage(ref(junk), { label: 'image 1' })).rejects.toThrow(
      'image 1 is not a PNG/JPEG/WebP/GIF (first bytes 00 01 02 03 04 05 06 07 …)',
    );
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    await expect(decodeImage(ref(svg))).rejects.toBeInstanceOf(ImageError);
    await expect(decodeImage(ref(new Uint8Array(0)))).rejects.toThrow('image is empty (0 bytes)');
  });

  it('enforces the byte cap before decoding', async () => {
    const png = await makeImage(64, 64, 'png');
    await expect(decodeImage(ref(png), { maxBytes: 100 })).rejects.toThrow(/image is [\d.]+ (bytes|KiB), over the 100 bytes cap/);
  });

  it('enforces the pixel cap from the header, before any decoding', async () => {
    const bomb = withPngSize(await makeImage(8, 8, 'png'), 30000, 30000);
    await expect(decodeImage(ref(bomb))).rejects.toThrow('image is 30000x30000 = 900 MP, over the 50 MP cap');
    await expect(decodeImage(ref(await makeImage(40, 30)), { maxPixels: 1000 })).rejects.toThrow(
      'image is 40x30 = 1200 px, over the 1000 px cap',
    );
  });
});

describe('sniffImageType', () => {
  it('recognises the four formats by magic bytes only', () => {
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a...'))).toBe('image/gif');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
    expect(sniffImageType(new Uint8Array([0x42, 0x4d]))).toBeNull(); // BMP
  });
});

describe('combineImages', () => {
  it('tiles images left to right at a common height, with gaps, as one PNG', async () => {
    const wide = await decodeImage(ref(await makeImage(100, 50, 'png', '#ff0000')));
    const tall = await decodeImage(ref(await makeImage(50, 100, 'jpeg', '#0000ff')));
    const combined = await combineImages([wide, tall]);
    // Common height 100: the wide image becomes 200x100, the tall one stays 50x100, plus an 8 px gap.
    expect(combined).toMatchObject({ mime: 'image/png', width: 258, height: 100 });
    const meta = await sharp(combined.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 258, 100]);
    expect((await decodeImage(ref(combined.bytes))).width).toBe(258);
    // The left tile's centre is red, the right tile's centre is blue.
    const { data, info } = await sharp(combined.bytes).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
    expect(pixel(100, 50)[0]).toBeGreaterThan(200);
    expect(pixel(233, 50)[2]).toBeGreaterThan(200);
  });

  it('caps the width by scaling everything down', async () => {
    const a = await decodeImage(ref(await makeImage(300, 100)));
    const combined = await combineImages([a, a, a], { maxWidth: 400, gap: 10 });
    expect(combined.width).toBeLessThanOrEqual(400);
    expect(combined.height).toBeLessThan(100);
    expect(combined.height).toBeGreaterThan(30);
  });

  it('returns a single image unchanged and refuses an empty list', async () => {
    const a = await decodeImage(ref(await makeImage(20, 20)));
    expect(await combineImages([a])).toBe(a);
    await expect(combineImages([])).rejects.toBeInstanceOf(ImageError);
  });
});
