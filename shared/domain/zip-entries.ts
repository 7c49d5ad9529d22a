import { inflateRawSync } from 'node:zlib';

/**
 * What a zip holds, read from its bytes without unpacking it (PKWARE's APPNOTE.TXT, the .ZIP File
 * Format Specification). Office documents (OOXML) and Java archives are zips; the names of the
 * entries and the text of `[Content_Types].xml` tell them apart.
 */

export const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04] as const;
const CENTRAL_HEADER = [0x50, 0x4b, 0x01, 0x02] as const;
const STORED = 0;
const DEFLATED = 8;

interface EntryHeader {
  /** Where the header starts. */
  at: number;
  name: string;
  method: number;
  /** Compressed size; 0 in a local header when a data descriptor follows the data (a streamed zip). */
  size: number;
  /** Where the entry's data starts (local headers only). */
  dataAt?: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Every local file header (`PK\3\4`) or central directory header (`PK\1\2`) in the bytes. Headers are
 * found by their signature rather than by walking sizes: a streamed zip has no sizes in its local
 * headers, and the central directory is found wherever it is, without trusting the end record.
 */
function headers(bytes: Uint8Array, kind: 'local' | 'central'): EntryHeader[] {
  const local = kind === 'local';
  const fixed = local ? 30 : 46;
  const found: EntryHeader[] = [];
  if (bytes.length < fixed) return found;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Buffer's indexOf searches natively: a whole 25 MB file is scanned in milliseconds.
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signature = Buffer.from(local ? ZIP_LOCAL_HEADER : CENTRAL_HEADER);
  for (
    let at = haystack.indexOf(signature);
    at >= 0 && at + fixed <= bytes.length;
    at = haystack.indexOf(signature, at + 1)
  ) {
    const nameLength = view.getUint16(at + (local ? 26 : 28), true);
    const nameEnd = at + fixed + nameLength;
    if (nameLength === 0 || nameEnd > bytes.length) continue;
    const header: EntryHeader = {
      at,
      name: decoder.decode(bytes.subarray(at + fixed, nameEnd)),
      method: view.getUint16(at + (local ? 8 : 10), true),
      size: view.getUint32(at + (local ? 18 : 20), true),
    };
    if (local) header.dataAt = nameEnd + view.getUint16(at + 28, true);
    found.push(header);
    at = nameEnd - 1;
  }
  return found;
}

/** The entries of a zip as far as its bytes show them. */
export interface ZipEntries {
  /** The names of the entries whose local or central directory header is in the bytes, each once. */
  names: string[];
  /**
   * The text of entry `name` (compared without case, as Office does) when its data is in the bytes,
   * stored or deflated, and inflates to at most `maxBytes`; undefined otherwise. A name held twice
   * gives both texts, joined: readers differ on which one counts.
   */
  text(name: string, maxBytes: number): string | undefined;
}

export function readZipEntries(bytes: Uint8Array): ZipEntries {
  const local = headers(bytes, 'local');
  const central = headers(bytes, 'central');
  const named = (list: EntryHeader[], name: string) =>
    list.filter((h) => h.name.toLowerCase() === name.toLowerCase());

  /** The data of one entry, or undefined when it is not all in the bytes or cannot be read. */
  const read = (entry: EntryHeader, centralSize: number, maxBytes: number): string | undefined => {
    if (entry.dataAt === undefined) return undefined;
    // A streamed entry has its size only in the central directory.
    const size = entry.size || centralSize;
    try {
      if (entry.method === STORED) {
        if (size === 0 || size > maxBytes || entry.dataAt + size > bytes.length) return undefined;
        return decoder.decode(bytes.subarray(entry.dataAt, entry.dataAt + size));
      }
      if (entry.method === DEFLATED) {
        // A deflate stream says where it ends, so without a size the rest of the bytes will do.
        const data = bytes.subarray(entry.dataAt, size > 0 ? entry.dataAt + size : bytes.length);
        return decoder.decode(inflateRawSync(data, { maxOutputLength: maxBytes }));
      }
    } catch {
      // Truncated, corrupt or larger than maxBytes: as if it were not there.
    }
    return undefined;
  };

  return {
    names: [...new Set([...local, ...central].map((h) => h.name))],
    text(name, maxBytes) {
      const centralSize = named(central, name)[0]?.size ?? 0;
      const texts = named(local, name).flatMap((entry) => read(entry, centralSize, maxBytes) ?? []);
      return texts.length > 0 ? texts.join('\n') : undefined;
    },
  };
}
