// Turns an ImageInput into the `data:` URL of an OpenAI `image_url` content part
// (spec/serving-metrics.md §1.6). The original bytes are sent whenever the server can take them
// as they are (JPEG, PNG, WebP under the size cap), so the model sees exactly the dataset's image.
// Anything else is re-encoded with sharp: other formats (GIF) to lossless PNG; an image over the cap
// to JPEG (quality 90, alpha flattened onto white), which is lossy and therefore only a fallback.
// An image still over the cap is never resized silently: that would change what is evaluated, so
// it is an input error naming the option to raise. sharp is loaded only when needed.

import type { ImageInput } from '../types.ts';
import { BackendError } from './backend-error.ts';

/** 10 MiB of image bytes (~13.3 MiB as base64), below common proxy and server body limits. */
export const DEFAULT_MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const PASSTHROUGH = new Set<ImageInput['mime']>(['image/jpeg', 'image/png', 'image/webp']);

export interface ImageDataUrlOptions {
  maxBytes?: number;
}

export async function imageDataUrl(image: ImageInput, options: ImageDataUrlOptions = {}): Promise<string> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const { mime, bytes } = await sendableImage(image, maxBytes);
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** Data URLs as bytes by image bytes: datasets repeat an image for several questions in a row. */
const urlBytes = new WeakMap<Uint8Array, { maxBytes: number; url: Buffer }>();

/** imageDataUrl as ASCII bytes, encoded once per distinct image (while its bytes are alive). */
export async function imageDataUrlBytes(image: ImageInput, options: ImageDataUrlOptions = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_IMAGE_BYTES;
  const hit = urlBytes.get(image.bytes);
  if (hit && hit.maxBytes === maxBytes) return hit.url;
  const url = Buffer.from(await imageDataUrl(image, { maxBytes }), 'latin1');
  urlBytes.set(image.bytes, { maxBytes, url });
  return url;
}

interface Encoded {
  mime: 'image/png' | 'image/jpeg' | 'image/webp';
  bytes: Uint8Array;
}

async function sendableImage(image: ImageInput, maxBytes: number): Promise<Encoded> {
  if (PASSTHROUGH.has(image.mime) && image.bytes.byteLength <= maxBytes) {
    return { mime: image.mime as Encoded['mime'], bytes: image.bytes };
  }
  const { default: sharp } = await import('sharp');
  const input = Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength);
  let jpeg: Buffer;
  try {
    if (!PASSTHROUGH.has(image.mime)) {
      const png = await sharp(input).png().toBuffer();
      if (png.byteLength <= maxBytes) return { mime: 'image/png', bytes: png };
    }
    jpeg = await sharp(input).flatten({ background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer();
  } catch (e) {
    throw new BackendError(`Could not re-encode a ${image.mime} image for sending: ${(e as Error).message}`, { kind: 'input', cause: e });
  }
  if (jpeg.byteLength <= maxBytes) return { mime: 'image/jpeg', bytes: jpeg };
  throw new BackendError(
    `Image of ${image.width}x${image.height} (${image.mime}, ${image.bytes.byteLength} bytes) is ` +
      `${jpeg.byteLength} bytes even as JPEG, over the ${maxBytes}-byte cap. Raise maxImageBytes ` +
      `if the server accepts larger requests.`,
    { kind: 'input' },
  );
}
