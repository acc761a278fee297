/**
 * The library calls behind the optical pages and the capabilities the page asks for:
 * - optical drives, burn, rip: `listOpticalDrives`, `burnImage`, `ripImage` of `isokit/node`; their results and
 *   progress objects go to the page unchanged.
 * - the Windows USB-stick mode of `write` (issue 16): `writeImage({ mode: 'auto' })` builds a GPT + FAT32 stick
 *   from Windows install media (a local .iso whose UDF tree has bootmgr / efi/boot/bootx64.efi and
 *   sources/install.*) by itself; other El-Torito-only images are refused with its own explanation, which the
 *   page shows. WINDOWS_STICK says the page may announce the stick before writing.
 * - UDF in `create` (issue 15): the option is sent only when UDF_WRITER is true.
 * Reading UDF trees (issue 14) needs nothing here: the page lists the namespaces an image reports and
 * `image.openTree('udf')` answers for itself.
 */

/** `writeImage` builds Windows sticks in --mode auto (issue 16). */
export const WINDOWS_STICK = true;
/** `createImageFile` takes `udf: true` (issue 15): the create page offers UDF. */
export const UDF_WRITER = true;

export interface Capabilities {
  readonly opticalDrives: boolean;
  readonly burn: boolean;
  readonly rip: boolean;
  readonly windowsStick: boolean;
  readonly udfWriter: boolean;
}

/** What this build can do (the page shows or hides flows by it). */
export async function capabilities(): Promise<Capabilities> {
  return { opticalDrives: true, burn: true, rip: true, windowsStick: WINDOWS_STICK, udfWriter: UDF_WRITER };
}

export { listOpticalDrives, burnImage, ripImage } from '../../node/index.js';
