import { z } from 'zod';

/** A camera id as used in URLs, metrics labels and candidate sources. */
export const cameraIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
  error: 'must be 1–64 characters of A-Z a-z 0-9 _ . - (no leading symbol)',
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const rtspUrl = z.url({ protocol: /^rtsps?$/, error: 'must be an rtsp(s) URL' });

/** Credentials stay on the appliance: written as `${ENV}` placeholders in files, never sent to browsers. */
export const cameraCredentialsSchema = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().max(200),
});

/**
 * One camera as declared in `firmware-config/cameras/*.json` (or inline in the edge config). ONVIF supplies
 * profiles, stream and snapshot URIs; `rtspUrl`/`snapshotUrl` override them for cameras with broken ONVIF media.
 */
export const cameraDefinitionSchema = z.strictObject({
  id: cameraIdSchema,
  name: z.string().trim().min(1).max(100),
  onvif: z
    .strictObject({
      /** The device service, e.g. `http://192.168.10.21/onvif/device_service`. */
      url: httpUrl,
      /** Use the host and port of `url` for every service, whatever the camera advertises (NAT, port forwards). */
      preserveAddress: z.boolean().default(true),
    })
    .optional(),
  credentials: cameraCredentialsSchema.optional(),
  /** WGS-84 position; the unit grid is looked up from the imported grids. */
  position: z.strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) }).optional(),
  /** Media profile token to stream; the first H.264 profile when omitted (token characters only: it goes into SOAP). */
  profile: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be a profile token (A-Z a-z 0-9 _ . -)' })
    .optional(),
  rtspUrl: rtspUrl.optional(),
  snapshotUrl: httpUrl.optional(),
  /** Pull analytics events (PullPoint) from this camera. */
  events: z.boolean().default(true),
});
export type CameraDefinition = z.output<typeof cameraDefinitionSchema>;
export type CameraDefinitionInput = z.input<typeof cameraDefinitionSchema>;

/** A `firmware-config/cameras/*.json` file: versioned, strict, unique ids. */
export const cameraFileSchema = z
  .strictObject({
    version: z.literal(1, { error: 'must be 1 (the only camera file version so far)' }),
    cameras: z.array(cameraDefinitionSchema).max(1000),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of file.cameras.entries()) {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['cameras', i, 'id'], message: `duplicate id ${c.id}` });
      seen.add(c.id);
      if (!c.onvif && !c.rtspUrl)
        ctx.addIssue({ code: 'custom', path: ['cameras', i, 'onvif'], message: 'needs onvif.url or rtspUrl' });
    }
  });
export type CameraFile = z.output<typeof cameraFileSchema>;
