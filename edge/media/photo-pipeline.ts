import { availableParallelism } from 'node:os';
import sharp, { type SharpOptions } from 'sharp';
import type { z } from 'zod';
import { DomainError } from '../errors.js';
import { detectImageType, type ImageMime, sharpFormatOf } from './image-type.js';
import { type PhotoOptions, photoOptionsSchema } from './photo-options.js';
import { type Watermark, watermarkLines } from './watermark.js';
import { blendBottomLeft, watermarkOverlay } from './watermark-overlay.js';

export { type PhotoOptions, photoOptionsSchema } from './photo-options.js';

/** The evidence original (the uploaded bytes, untouched) and the watermarked, metadata-free copy shown to people. */
export interface ProcessedPhoto {
  /** `bytes` is the input buffer itself; width/height are as displayed (EXIF orientation applied). */
  original: { bytes: Buffer; mime: ImageMime; width: number; height: number };
  published: { bytes: Buffer; mime: 'image/jpeg'; width: number; height: number };
}

/**
 * Validates an uploaded photo and renders its published copy: orientation fixed from EXIF, fitted into `maxEdge`,
 * all metadata (EXIF, GPS, XMP, IPTC, ICC) stripped, watermark bottom-left. Every rejection of the input is a
 * DomainError: `too_large` (bytes or pixels), `unsupported_media` (not JPEG/PNG/WebP by magic bytes), `invalid`
 * (corrupt or truncated), `unprocessable` (decoding exceeded the timeout).
 */
export async function processPhoto(input: Buffer, opts: PhotoOptions, watermark: Watermark): Promise<ProcessedPhoto> {
  const o = photoOptionsSchema.parse(opts);
  const reject = (code: 'invalid' | 'too_large' | 'unsupported_media', message: string) =>
    new DomainError(code, `photo: ${message}`, o.field);
  if (Number.isNaN(watermark.takenAt.getTime())) throw reject('invalid', 'the capture time is not a valid date');
  if (input.length > o.maxBytes) throw reject('too_large', `${input.length} bytes exceeds the limit of ${o.maxBytes}`);
  const mime = detectImageType(input);
  if (mime === undefined) throw reject('unsupported_media', 'not a JPEG, PNG or WebP image');
  configureSharpOnce();

  // failOn 'error' refuses truncated or corrupt pixel data; 'warning' would also refuse benign libjpeg warnings
  // (e.g. extraneous bytes before a marker) that some handset firmware produces.
  const decodeOptions: SharpOptions = { failOn: 'error', limitInputPixels: o.maxPixels };
  const meta = await sharp(input, decodeOptions)
    .metadata()
    .catch((err: unknown) => {
      throw decodeError(err, o);
    });
  // A polyglot file could carry one format's magic and be sniffed by libvips as another; only the sniffed one runs.
  if (meta.format !== sharpFormatOf[mime]) throw reject('unsupported_media', 'not a JPEG, PNG or WebP image');

  // Decode, orient and fit in one libvips pass to raw sRGB pixels; blend the text box into its corner; encode.
  // (libvips' composite converts the whole photo to premultiplied float for a box of a few KB: it halved throughput.)
  const { width: srcWidth, height: srcHeight } = meta.autoOrient;
  const scale = Math.min(1, o.maxEdge / Math.max(srcWidth, srcHeight));
  const fitted = {
    width: Math.max(1, Math.floor(srcWidth * scale)),
    height: Math.max(1, Math.floor(srcHeight * scale)),
  };
  const lines = watermarkLines(watermark);
  const side = Math.min(fitted.width, fitted.height);
  const fontSize = Math.min(64, Math.max(8, Math.round(side * 0.035)));
  const boxHeight = Math.min(side, Math.round(fontSize * 0.6) * 2 + lines.length * Math.round(fontSize * 1.3));
  const overlay = await watermarkOverlay({ width: side, height: boxHeight }, lines, fontSize);
  let pipeline = sharp(input, decodeOptions)
    .timeout({ seconds: o.timeoutSeconds })
    .rotate()
    .resize({ width: o.maxEdge, height: o.maxEdge, fit: 'inside', withoutEnlargement: true });
  // Only pay for what the input needs: most handset JPEGs are opaque sRGB already.
  if (meta.hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  if (meta.space !== 'srgb') pipeline = pipeline.toColourspace('srgb');
  const pixels = await pipeline
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw decodeError(err, o);
    });
  const { width, height, channels } = pixels.info;
  if (channels !== 3) throw reject('invalid', `the image decodes to ${channels} channels, not RGB`);
  blendBottomLeft(pixels.data, width, height, overlay);
  const bytes = await sharp(pixels.data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: o.jpegQuality })
    .toBuffer();

  return {
    original: { bytes: input, mime, width: meta.autoOrient.width, height: meta.autoOrient.height },
    published: { bytes, mime: 'image/jpeg', width, height },
  };
}

/** Maps a libvips failure on untrusted input to the DomainError the uploader sees. */
function decodeError(err: unknown, o: z.output<typeof photoOptionsSchema>): DomainError {
  const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0]?.slice(0, 200) ?? '';
  if (detail.includes('exceeds pixel limit')) {
    return new DomainError(
      'too_large',
      `photo: the image exceeds the limit of ${o.maxPixels / 1e6} megapixels`,
      o.field,
    );
  }
  if (detail.startsWith('timeout')) {
    return new DomainError('unprocessable', `photo: decoding took longer than ${o.timeoutSeconds} s`, o.field);
  }
  return new DomainError('invalid', `photo: the image is corrupt or truncated (${detail})`, o.field);
}

let sharpConfigured = false;

/**
 * libvips threads per image, process-wide. Its default (one per core) lets a burst of uploads starve GPS ingest on
 * the appliance's few cores; two threads keep a single photo quick. Set on first use so importing has no effect.
 */
function configureSharpOnce(): void {
  if (sharpConfigured) return;
  sharp.concurrency(Math.min(2, availableParallelism()));
  sharpConfigured = true;
}
