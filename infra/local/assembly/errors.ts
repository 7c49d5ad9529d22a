/**
 * What loading a cloud assembly throws: an assembly the local runtime cannot run, an intrinsic it cannot
 * resolve.
 */

export class AssemblyError extends Error {
  override name = 'AssemblyError';
}

export class UnsupportedIntrinsicError extends Error {
  override name = 'UnsupportedIntrinsicError';
}
