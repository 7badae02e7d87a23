/**
 * The blobs (photos) an event references: every `photos` array of its payload. Sync v1 pushes these blobs before the
 * event, and central refuses an event whose blobs it does not hold.
 */
export function blobRefs(event: { payload?: unknown }): string[] {
  const p = event.payload;
  if (!p || typeof p !== 'object') return [];
  const photos = (p as { photos?: unknown }).photos;
  return Array.isArray(photos) ? photos.filter((s): s is string => typeof s === 'string') : [];
}
