/**
 * What a file's URL says of it, for the page and the reading worker alike (no library imported, so the page's
 * bundle stays without it): whether it names an NWB Zarr store, and where the external files it names are.
 */
import type { FileFormat } from "./protocol.js";

/** Whether `url`'s name says it is a Zarr store (a folder): its path ends in `.zarr`, `.zarr/` or `/`. */
export function isZarrURL(url: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(url, (globalThis as { location?: { href: string } }).location?.href).pathname;
  } catch {
    return false;
  }
  return /\.zarr\/?$/i.test(pathname) || pathname.endsWith("/");
}

/**
 * The URL an external file (an ImageSeries' `external_file`, stored relative to the file's folder) resolves
 * against: for an HDF5 file the file's own URL (its folder), for a Zarr store the store folder's URL without its
 * trailing slash (so that the store's parent folder is the one resolved in, as hdmf-zarr stores the paths).
 */
export function externalBaseOf(url: string, format: FileFormat): string {
  if (format === "hdf5") return url;
  const u = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
  u.search = "";
  u.hash = "";
  u.pathname = u.pathname.replace(/\/+$/, "");
  return u.href;
}
