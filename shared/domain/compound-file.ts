/**
 * The directory of an OLE compound file ([MS-CFB]: Compound File Binary File Format), read just far
 * enough to say what the file is: the names of its storages and streams and the CLSID of its root.
 * Word, Excel and PowerPoint 97-2003, MSI installers and Outlook messages are all compound files;
 * only their directories tell them apart.
 */

export const COMPOUND_FILE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

export interface CompoundFileDirectory {
  /** CLSID of the root storage, e.g. `000C1084-0000-0000-C000-000000000046` for an MSI installer. */
  rootClsid: string;
  /** Names of the storages and streams, in directory order. */
  names: string[];
  /**
   * Whether the whole directory was within the bytes (its sector chain reached its end). When false,
   * the names are only those found so far.
   */
  complete: boolean;
}

const HEADER_BYTES = 512;
const ENTRY_BYTES = 128;
/** Sector numbers above this are markers: ENDOFCHAIN, FREESECT and the like ([MS-CFB] 2.1). */
const MAXREGSECT = 0xfffffffa;
const ENDOFCHAIN = 0xfffffffe;
/** The header holds the locations of the first 109 FAT sectors; DIFAT sectors hold the rest. */
const HEADER_DIFAT_ENTRIES = 109;
const ROOT_STORAGE = 5;
const UNALLOCATED = 0;

/** `{00020906-...}` style text of the 16 bytes at `at`: three little-endian fields, then eight bytes as they are. */
function clsid(view: DataView, at: number): string {
  const hex = (n: number, digits: number) => n.toString(16).toUpperCase().padStart(digits, '0');
  const tail = Array.from({ length: 8 }, (_, i) => hex(view.getUint8(at + 8 + i), 2)).join('');
  return [
    hex(view.getUint32(at, true), 8),
    hex(view.getUint16(at + 4, true), 4),
    hex(view.getUint16(at + 6, true), 4),
    tail.slice(0, 4),
    tail.slice(4),
  ].join('-');
}

/**
 * The directory of the compound file whose first bytes are `bytes`; undefined when they do not start
 * with a compound file header. Each directory sector is found through the FAT, as [MS-CFB] 2.2
 * describes; a sector beyond the bytes (writers often put the directory last) or a broken chain
 * ends the walk with `complete: false`.
 */
export function readCompoundFileDirectory(bytes: Uint8Array): CompoundFileDirectory | undefined {
  if (bytes.length < HEADER_BYTES || !COMPOUND_FILE_SIGNATURE.every((b, i) => bytes[i] === b))
    return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sectorShift = view.getUint16(0x1e, true);
  // Version 3 files have 512-byte sectors, version 4 files 4096-byte ones.
  if (sectorShift !== 9 && sectorShift !== 12) return undefined;
  const sectorSize = 1 << sectorShift;
  const idsPerSector = sectorSize / 4;
  const sectorStart = (sector: number) => (sector + 1) * sectorSize;
  const u32 = (at: number) => (at + 4 <= bytes.length ? view.getUint32(at, true) : undefined);
  const regular = (sector: number | undefined) =>
    sector !== undefined && sector <= MAXREGSECT ? sector : undefined;

  /** Where FAT sector `index` is: in the header's DIFAT for the first 109, else along the DIFAT chain. */
  const fatSector = (index: number): number | undefined => {
    if (index < HEADER_DIFAT_ENTRIES) return regular(u32(0x4c + 4 * index));
    let rest = index - HEADER_DIFAT_ENTRIES;
    let difat = regular(u32(0x44));
    // Each DIFAT sector lists idsPerSector - 1 FAT sectors and ends with the next DIFAT sector.
    for (let hops = 0; difat !== undefined && hops < bytes.length / sectorSize; hops++) {
      if (rest < idsPerSector - 1) return regular(u32(sectorStart(difat) + 4 * rest));
      rest -= idsPerSector - 1;
      difat = regular(u32(sectorStart(difat) + 4 * (idsPerSector - 1)));
    }
    return undefined;
  };
  const nextSector = (sector: number): number | undefined => {
    const fat = fatSector(Math.floor(sector / idsPerSector));
    return fat === undefined ? undefined : u32(sectorStart(fat) + 4 * (sector % idsPerSector));
  };

  const directory: CompoundFileDirectory = { rootClsid: '', names: [], complete: false };
  const visited = new Set<number>();
  let sector = u32(0x30);
  while (sector !== undefined && sector <= MAXREGSECT && !visited.has(sector)) {
    visited.add(sector);
    const start = sectorStart(sector);
    if (start + sectorSize > bytes.length) return directory;
    for (let at = start; at < start + sectorSize; at += ENTRY_BYTES) {
      const type = view.getUint8(at + 0x42);
      // The name's length in bytes counts its terminating NUL; 64 at most.
      const nameBytes = view.getUint16(at + 0x40, true);
      if (type === UNALLOCATED || nameBytes < 2 || nameBytes > 64) continue;
      const name = String.fromCharCode(
        ...Array.from({ length: Math.floor(nameBytes / 2) - 1 }, (_, i) => view.getUint16(at + 2 * i, true)),
      );
      if (type === ROOT_STORAGE) directory.rootClsid = clsid(view, at + 0x50);
      directory.names.push(name);
    }
    sector = nextSector(sector);
  }
  directory.complete = sector === ENDOFCHAIN;
  return directory;
}
