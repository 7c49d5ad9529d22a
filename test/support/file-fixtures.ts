import { deflateRawSync } from 'node:zlib';

/**
 * The smallest containers detection has to tell apart, built byte by byte: zips (Office Open XML,
 * Java archives) and OLE compound files ([MS-CFB] version 3: Office 97-2003, MSI, MSG).
 */

const encoder = new TextEncoder();

function le16(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff];
}

function le32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}

export interface ZipOptions {
  /** Sets the data-descriptor flag and leaves the sizes in the local headers 0, as streaming writers do. */
  streamed?: boolean;
  /** Deflates every entry, as Office does, instead of storing it. */
  deflated?: boolean;
}

/** A zip of the given entries, with local headers, a central directory and its end record. */
export function zip(
  entries: [name: string, content: string | Uint8Array][],
  options: ZipOptions = {},
): Uint8Array {
  const { streamed = false, deflated = false } = options;
  const local: Uint8Array[] = [];
  const central: number[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const nameBytes = Array.from(encoder.encode(name));
    const raw = typeof content === 'string' ? encoder.encode(content) : content;
    const data = deflated ? deflateRawSync(raw) : raw;
    const method = deflated ? 8 : 0;
    const flags = streamed ? 0x0008 : 0;
    const sizes = [...le32(0), ...le32(data.length), ...le32(raw.length)]; // crc-32 (not checked), sizes
    const header = Uint8Array.from([
      ...[0x50, 0x4b, 0x03, 0x04, ...le16(20), ...le16(flags), ...le16(method), ...le16(0), ...le16(0)],
      ...(streamed ? new Array(12).fill(0) : sizes),
      ...le16(nameBytes.length),
      ...le16(0),
      ...nameBytes,
    ]);
    const descriptor = Uint8Array.from(streamed ? [0x50, 0x4b, 0x07, 0x08, ...sizes] : []);
    central.push(
      ...[
        0x50,
        0x4b,
        0x01,
        0x02,
        ...le16(20),
        ...le16(20),
        ...le16(flags),
        ...le16(method),
        ...le16(0),
        ...le16(0),
      ],
      ...sizes,
      ...le16(nameBytes.length),
      ...[...le16(0), ...le16(0), ...le16(0), ...le16(0), ...le32(0)], // extra, comment, disk, attributes
      ...le32(offset),
      ...nameBytes,
    );
    local.push(header, data, descriptor);
    offset += header.length + data.length + descriptor.length;
  }
  const count = le16(entries.length);
  const end = [
    0x50,
    0x4b,
    0x05,
    0x06,
    0,
    0,
    0,
    0,
    ...count,
    ...count,
    ...le32(central.length),
    ...le32(offset),
    0,
    0,
  ];
  return Buffer.concat([...local, Uint8Array.from([...central, ...end])]);
}

/** `[Content_Types].xml` whose main part has the given content type. */
export function contentTypes(mainPart: string, mainContentType: string): [string, string] {
  return [
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/${mainPart}" ContentType="${mainContentType}"/></Types>`,
  ];
}

export const WORD_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml';
export const WORD_MACRO_MAIN = 'application/vnd.ms-word.document.macroEnabled.main+xml';
export const EXCEL_MAIN = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml';

/** The entries of a minimal .docx: content types, package relationships and the document part. */
export const DOCX_ENTRIES: [string, string][] = [
  contentTypes('word/document.xml', WORD_MAIN),
  ['_rels/.rels', '<?xml version="1.0"?><Relationships/>'],
  ['word/document.xml', '<w:document/>'],
];

export function docx(options: ZipOptions = {}): Uint8Array {
  return zip(DOCX_ENTRIES, options);
}

/** A minimal .docm: a macro-enabled main part and its VBA project. */
export function docm(options: ZipOptions = {}): Uint8Array {
  return zip(
    [
      contentTypes('word/document.xml', WORD_MACRO_MAIN),
      ['word/document.xml', '<w:document/>'],
      ['word/vbaProject.bin', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0])],
    ],
    options,
  );
}

const SECTOR = 512;
const ENTRIES_PER_SECTOR = SECTOR / 128;
const IDS_PER_SECTOR = SECTOR / 4;
const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const FATSECT = 0xfffffffd;
const DIFSECT = 0xfffffffc;

export const MSI_CLSID = '000C1084-0000-0000-C000-000000000046';

export interface CompoundFileOptions {
  /** Names of the storages and streams under the root, in directory order. */
  names: string[];
  rootClsid?: string;
  /** Empty sectors before the directory: writers often put it after the streams, far into the file. */
  directoryAt?: number;
}

function clsidBytes(clsid: string): number[] {
  const [a = '0', b = '0', c = '0', d = '', e = ''] = clsid.split('-');
  const hex = (text: string) =>
    Array.from({ length: text.length / 2 }, (_, i) => Number.parseInt(text.slice(2 * i, 2 * i + 2), 16));
  return [
    ...le32(Number.parseInt(a, 16)),
    ...le16(Number.parseInt(b, 16)),
    ...le16(Number.parseInt(c, 16)),
    ...hex(d + e),
  ];
}

function directoryEntry(name: string, type: number, clsid?: string): number[] {
  const entry = new Array<number>(128).fill(0);
  const units = Array.from(name).flatMap((c) => le16(c.charCodeAt(0)));
  entry.splice(0, units.length, ...units);
  entry.splice(0x40, 2, ...le16(units.length + 2));
  entry[0x42] = type;
  entry.splice(0x44, 12, ...le32(FREESECT), ...le32(FREESECT), ...le32(FREESECT)); // no siblings, no child
  if (clsid) entry.splice(0x50, 16, ...clsidBytes(clsid));
  entry.splice(0x74, 4, ...le32(ENDOFCHAIN)); // no data: detection reads names only
  return entry;
}

/**
 * A version 3 compound file (512-byte sectors): `directoryAt` empty sectors, the directory, then
 * the FAT sectors and, when there are more than the header's 109, the DIFAT sectors that list them.
 */
export function compoundFile({ names, rootClsid, directoryAt = 0 }: CompoundFileOptions): Uint8Array {
  const entries = [directoryEntry('Root Entry', 5, rootClsid), ...names.map((n) => directoryEntry(n, 2))];
  const directorySectors = Math.ceil(entries.length / ENTRIES_PER_SECTOR);
  const used = directoryAt + directorySectors;
  let fatSectors = 1;
  const difatSectors = () => Math.ceil(Math.max(0, fatSectors - 109) / (IDS_PER_SECTOR - 1));
  while (fatSectors * IDS_PER_SECTOR < used + fatSectors + difatSectors()) fatSectors++;
  const firstFat = used;
  const firstDifat = used + fatSectors;
  const total = firstDifat + difatSectors();

  const file = new DataView(new ArrayBuffer(SECTOR * (total + 1)));
  const at = (sector: number) => SECTOR * (sector + 1);
  const put32 = (offset: number, value: number) => file.setUint32(offset, value, true);
  // Header ([MS-CFB] 2.2).
  const bytes = new Uint8Array(file.buffer);
  bytes.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
  file.setUint16(0x18, 0x3e, true);
  file.setUint16(0x1a, 3, true);
  file.setUint16(0x1c, 0xfffe, true);
  file.setUint16(0x1e, 9, true);
  file.setUint16(0x20, 6, true);
  put32(0x2c, fatSectors);
  put32(0x30, directoryAt);
  put32(0x38, 4096);
  put32(0x3c, ENDOFCHAIN);
  put32(0x44, difatSectors() > 0 ? firstDifat : ENDOFCHAIN);
  put32(0x48, difatSectors());
  for (let i = 0; i < 109; i++) put32(0x4c + 4 * i, i < fatSectors ? firstFat + i : FREESECT);
  // DIFAT sectors: 127 FAT sector locations each, then the next DIFAT sector.
  for (let d = 0; d < difatSectors(); d++) {
    for (let i = 0; i < IDS_PER_SECTOR - 1; i++) {
      const fat = 109 + d * (IDS_PER_SECTOR - 1) + i;
      put32(at(firstDifat + d) + 4 * i, fat < fatSectors ? firstFat + fat : FREESECT);
    }
    put32(
      at(firstDifat + d) + 4 * (IDS_PER_SECTOR - 1),
      d + 1 < difatSectors() ? firstDifat + d + 1 : ENDOFCHAIN,
    );
  }
  // The FAT: the directory's chain, the FAT's and DIFAT's own sectors; everything else free.
  const fat = (sector: number, next: number) =>
    put32(at(firstFat + Math.floor(sector / IDS_PER_SECTOR)) + 4 * (sector % IDS_PER_SECTOR), next);
  for (let s = 0; s < fatSectors * IDS_PER_SECTOR; s++) fat(s, FREESECT);
  for (let s = directoryAt; s < used; s++) fat(s, s + 1 < used ? s + 1 : ENDOFCHAIN);
  for (let s = firstFat; s < firstDifat; s++) fat(s, FATSECT);
  for (let s = firstDifat; s < total; s++) fat(s, DIFSECT);
  // The directory.
  bytes.set(entries.flat(), at(directoryAt));
  return bytes;
}
