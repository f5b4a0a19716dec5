/**
 * Where the classes' `fromFile`/`fromFiles`/`fromVideos` find their implementation. Reading image and video files
 * needs Node (sharp, the file system); the Node entry installs it (`media/from-files.ts`), the browser entry does
 * not, so browser bundles hold no Node code, and calling these there is a clear error.
 */
import type * as FromFiles from "../media/from-files.js";
import { ModeError } from "../errors.js";

export type FileSupport = Pick<typeof FromFiles, "imageOfClassFromFile" | "imagesFromFiles" | "seriesFromFiles" | "seriesFromVideos">;

let support: FileSupport | undefined;

/** Installs the implementation (done by the Node entry). */
export function installFileSupport(s: FileSupport): void {
  support = s;
}

/** The implementation, or a clear error where there is none (a browser). */
export function fileSupport(): FileSupport {
  if (!support) throw new ModeError("image and video files are read in Node (import tsnwb in Node); in a browser, build objects from pixels");
  return support;
}
