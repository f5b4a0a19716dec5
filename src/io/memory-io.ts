/**
 * NWB files in memory, for browsers and anywhere without a file system: open bytes (a `Uint8Array`, an
 * `ArrayBuffer`, a `Blob` or `File` a user picked or dropped) to read or to add to, or write a new file and take its
 * bytes (`bytes()`, `blob()`: a download) after `close()`; in a browser, open a URL to read it lazily with range
 * requests (synchronous XMLHttpRequests). The browser entry exports this class as `NWBHDF5IO`; in Node,
 * `NWBHDF5IO.open` hands bytes and Blobs to it.
 */
import { ModeError, ValidationError } from "../errors.js";
import { type BaseIOOptions, type IOMode, NWBIOBase, checkMode } from "./io-base.js";
import type { H5File, H5Module } from "./hdf5/h5.js";
import type { FileBytes } from "./hdf5/bool-enum.js";
import { type H5MemoryLib, type MemoryFS, h5Memory, memoryPath } from "./hdf5/h5-memory.js";
import { type RemoteFile, openRemote } from "./remote/remote-file.js";
import type { RangeReaderOptions } from "./remote/range-reader.js";
import { XHRTransport } from "./remote/xhr-transport.js";
import { type BlobFile, type BlobReadStats, canReadBlobsLazily, openBlobFile } from "./blob-file.js";

/** Bytes an NWB file is read from. */
export type MemorySource = Uint8Array | ArrayBuffer | Blob;

/** What `NWBMemoryIO.open` takes (in browsers, `NWBHDF5IO.open`). */
export interface MemoryIOOptions extends BaseIOOptions {
  /** The file's name, in errors and `container_source` (default: the File's name, or "memory.nwb"). */
  name?: string;
  /** For a URL: how ranges are fetched (block size, cache bound, attempts, headers, whether a full download is allowed). */
  remote?: RangeReaderOptions;
}

/** Whether `x` is bytes or a Blob (a File is a Blob). */
export function isMemorySource(x: unknown): x is MemorySource {
  return x instanceof Uint8Array || x instanceof ArrayBuffer || (typeof Blob !== "undefined" && x instanceof Blob);
}

/** An NWB file as bytes in memory: read a `File`, `Blob` or buffer; write anew and take `blob()` (the browser's `NWBHDF5IO`). */
export class NWBMemoryIO extends NWBIOBase {
  private output?: Uint8Array;

  private constructor(m: H5Module, private readonly lib: H5MemoryLib, private readonly FS: MemoryFS, private fsPath: string, name: string, mode: IOMode, options: MemoryIOOptions) {
    super(m, name, mode, options);
  }

  /**
   * Opens bytes to read (mode "r") or to add to (mode "a", then `close()` and take `bytes()`), or, with no bytes,
   * a new file to write (mode "w").
   */
  static async open(source: MemorySource | string | URL | undefined, mode: IOMode = "r", options: MemoryIOOptions = {}): Promise<NWBMemoryIO> {
    checkMode(mode);
    if (typeof source === "string" || source instanceof URL) return NWBMemoryIO.openURL(String(source), mode, options);
    if ((mode === "w") !== (source === undefined)) {
      throw new ModeError(mode === "w" ? `mode "w" writes a new file: give no bytes` : `mode "${mode}" needs the file's bytes (a Uint8Array, an ArrayBuffer, a Blob or File)`);
    }
    const { lib, m, FS } = await h5Memory();
    const fileName = options.name ?? ((source as { name?: unknown } | undefined)?.name as string | undefined) ?? "memory.nwb";
    // A Blob to read, in a worker: read lazily, as HDF5 asks for its bytes, not copied whole into memory first.
    if (mode === "r" && typeof Blob !== "undefined" && source instanceof Blob && canReadBlobsLazily()) {
      const head = new Uint8Array(await source.slice(0, 8).arrayBuffer());
      if (head.length < 8 || head[0] !== 0x89 || head[1] !== 0x48 || head[2] !== 0x44 || head[3] !== 0x46) {
        throw new ValidationError(fileName, "bytes", "an HDF5 file (it starts with the HDF5 signature)");
      }
      const io = new NWBMemoryIO(m, lib, FS, memoryPath(), fileName, mode, options);
      io.blob_ = openBlobFile(lib, FS, source);
      io.file = io.blob_.file;
      return io;
    }
    const path = memoryPath();
    const io = new NWBMemoryIO(m, lib, FS, path, fileName, mode, options);
    if (source !== undefined) {
      const bytes = source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : new Uint8Array(await source.arrayBuffer());
      if (bytes.length < 8 || bytes[0] !== 0x89 || bytes[1] !== 0x48 || bytes[2] !== 0x44 || bytes[3] !== 0x46) {
        throw new ValidationError(fileName, "bytes", "an HDF5 file (it starts with the HDF5 signature)");
      }
      FS.writeFile(path, bytes);
      try {
        io.file = new lib.File(path, mode) as unknown as H5File;
      } catch (e) {
        FS.unlink(path);
        throw e;
      }
    }
    return io;
  }

  /** A URL, read lazily through range requests (browsers: synchronous XMLHttpRequests). */
  private static async openURL(url: string, mode: IOMode, options: MemoryIOOptions): Promise<NWBMemoryIO> {
    if (mode !== "r") throw new ModeError(`${url} can be opened in mode "r" only`);
    if (typeof XMLHttpRequest === "undefined") throw new ModeError(`${url}: URLs are read here in browsers; in Node, open them with NWBHDF5IO (tsnwb's Node entry)`);
    const remote = await openRemote(url, new XHRTransport(url, options.remote), options.remote);
    const { lib, FS } = await h5Memory();
    const io = new NWBMemoryIO(remote.m, lib, FS, memoryPath(), options.name ?? url, "r", options);
    io.file = remote.file;
    io.remote = remote;
    return io;
  }

  /** The remote file behind a URL. */
  private remote?: RemoteFile;
  /** The Blob behind a file read lazily (in a worker). */
  private blob_?: BlobFile;

  /** For a Blob read lazily (in a worker): the reads of it made so far, and their bytes. */
  get blobReads(): BlobReadStats | undefined {
    return this.blob_ ? { ...this.blob_.stats } : undefined;
  }

  protected override closeFile(): void {
    if (this.remote) this.remote.close();
    else if (this.blob_) this.blob_.close();
    else super.closeFile();
  }

  /** The file's bytes, once closed after a write (modes "w" and "a"). */
  bytes(): Uint8Array {
    if (!this.output) throw new ModeError(`${this.path}: its bytes are there once it is written and closed`);
    return this.output;
  }

  /** The file's bytes as a Blob, to download. */
  blob(): Blob {
    return new Blob([this.bytes() as Uint8Array<ArrayBuffer>], { type: "application/x-hdf5" });
  }

  protected createForWrite(): H5File {
    return new this.lib.File(this.fsPath, "w") as unknown as H5File;
  }

  /** Mode "a", changes HDF5 cannot make where the file is: written to a new file in memory, the one read dropped. */
  protected startRewrite(): H5File {
    this.replaced = this.fsPath;
    this.fsPath = memoryPath();
    return this.createForWrite();
  }

  /** The file a write anew replaced, released with the rest. */
  private replaced?: string;

  /** There is no folder to be relative to: paths are kept as given, with forward slashes. */
  protected storedFilePath(p: string): string {
    return p.replace(/\\/g, "/");
  }

  protected editClosedFile(edit: (file: FileBytes, eof: number, inPlace: boolean) => void): void {
    const bytes: Uint8Array = this.FS.readFile(this.fsPath);
    edit({
      read: (position, length) => {
        if (position + length > bytes.length) throw new Error(`${this.path}: the file ends before byte ${position + length}`);
        return bytes.slice(position, position + length);
      },
      write: (position, data) => bytes.set(data, position),
    }, bytes.length, false);
    this.FS.writeFile(this.fsPath, bytes);
  }

  protected async finish(written: boolean): Promise<void> {
    if (written) this.output = this.FS.readFile(this.fsPath);
    this.release();
  }

  protected async dropWork(): Promise<void> {
    this.release();
  }

  private release(): void {
    for (const path of [this.fsPath, this.replaced]) if (path !== undefined && this.FS.analyzePath(path).exists) this.FS.unlink(path);
  }
}
