import { gunzipSync } from 'node:zlib';
import { FeedFormatError } from './feed-error.js';

/** A feed file's bytes, gunzipped when they carry the gzip magic (1f 8b): plain and .gz both load. */
export function unpack(buf: Buffer, feed: string): Buffer {
  if (buf.length < 2 || buf[0] !== 0x1f || buf[1] !== 0x8b) return buf;
  try {
    return gunzipSync(buf);
  } catch (err) {
    throw new FeedFormatError(feed, `the gzip stream is corrupt or truncated: ${(err as Error).message}`);
  }
}

/** The file as text: unpacked, strictly UTF-8 (invalid bytes reject the file), BOM dropped. */
export function feedText(buf: Buffer, feed: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(unpack(buf, feed));
  } catch (err) {
    if (err instanceof FeedFormatError) throw err;
    throw new FeedFormatError(feed, 'the file is not valid UTF-8');
  }
}
