// SHA-256 of a file's content, as the manifests write it (lower-case hex).
import * as crypto from 'node:crypto';

// crypto.hash (Node >= 20.12) hashes in one call, without a Hash object per input: a fleet
// render hashes thousands of artefacts, kits thousands of files. Older Node: the usual way.
const oneCall = (crypto as { hash?: (algorithm: string, data: crypto.BinaryLike, encoding: 'hex') => string }).hash;

export function sha256Hex(data: string | Buffer): string {
  return oneCall ? oneCall('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}
