import { describe, expect, it } from 'vitest';
import { readCompoundFileDirectory } from '../../../shared/domain/compound-file.js';
import { DETECTION_BYTES } from '../../../shared/domain/file-types.js';
import { compoundFile, MSI_CLSID } from '../../support/file-fixtures.js';

describe('readCompoundFileDirectory', () => {
  it('reads the names of the storages and streams and the root CLSID through the FAT', () => {
    // Six names under the root take two directory sectors: the second is found through the FAT.
    const file = compoundFile({
      names: ['WordDocument', '1Table', 'Macros', 'VBA', 'dir', 'ThisDocument'],
      rootClsid: MSI_CLSID,
    });

    expect(readCompoundFileDirectory(file)).toEqual({
      rootClsid: MSI_CLSID,
      names: ['Root Entry', 'WordDocument', '1Table', 'Macros', 'VBA', 'dir', 'ThisDocument'],
      complete: true,
    });
  });

  it('says the directory is incomplete when it lies beyond the bytes it was given', () => {
    const file = compoundFile({ names: ['WordDocument'], directoryAt: 200 });

    expect(file.length).toBeGreaterThan(DETECTION_BYTES);
    expect(readCompoundFileDirectory(file.subarray(0, DETECTION_BYTES))).toMatchObject({
      names: [],
      complete: false,
    });
    expect(readCompoundFileDirectory(file)?.names).toEqual(['Root Entry', 'WordDocument']);
  });

  it('finds a directory sector whose FAT sector is listed in a DIFAT sector, past the header’s 109', () => {
    // 109 FAT sectors of 128 entries cover 13,952 sectors; this directory is beyond them.
    const file = compoundFile({ names: ['Workbook'], directoryAt: 14_000 });

    expect(readCompoundFileDirectory(file)).toMatchObject({
      names: ['Root Entry', 'Workbook'],
      complete: true,
    });
  });

  it('is undefined for bytes that are not a compound file, and stops on a directory chain that loops', () => {
    expect(readCompoundFileDirectory(new TextEncoder().encode('%PDF-1.7'.padEnd(600)))).toBeUndefined();
    const looping = compoundFile({ names: ['WordDocument'] });
    // The FAT (the last sector) says directory sector 0 is followed by itself.
    new DataView(looping.buffer).setUint32(looping.length - 512, 0, true);
    expect(readCompoundFileDirectory(looping)).toMatchObject({ complete: false });
  });
});
