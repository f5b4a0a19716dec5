/**
 * How a Zarr chunk's bytes are encoded for writing: its filters (numcodecs' shuffle), then its compressor (Blosc,
 * zlib, gzip), as numcodecs applies them. The writer of a tree (`zarr-write.ts`) and the live appender
 * (`series-appender.ts`) encode chunks the same way, so that an appended chunk is one zarr-python could have written.
 */
import { compressor } from "./zarr-decode.js";
import { shuffle } from "../hdf5/byte-shuffle.js";
import { ValidationError } from "../../errors.js";
import type { CodecConfig } from "./layout.js";

/** The compressors tsnwb writes (numcodecs' ids): those zarr-python, zarrita and numcodecs all read. */
export const WRITTEN_COMPRESSORS: readonly string[] = ["blosc", "zlib", "gzip"];

/** A numcodecs compressor. */
interface Compressor {
  encode(data: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/**
 * The compressor of a configuration, its module loaded on first use (each is WebAssembly of some hundred kB: a
 * program that writes no Zarr loads none).
 */
async function loadCompressor(config: CodecConfig): Promise<Compressor> {
  if (!WRITTEN_COMPRESSORS.includes(config.id)) throw new ValidationError("NWBZarrIO", "compressor", 'a compressor tsnwb writes ("blosc", "zlib" or "gzip"), or null', config.id);
  return compressor(config, "NWBZarrIO");
}

/** A chunk's filters, then its compressor, as numcodecs applies them when writing. */
export class ChunkEncoder {
  private readonly codec?: Promise<Compressor>;
  private readonly shuffle?: number;

  constructor(compressor: CodecConfig | null, filters: CodecConfig[] | null) {
    for (const f of filters ?? []) {
      if (f.id === "shuffle") this.shuffle = Number(f.elementsize);
      else throw new Error(`no encoder for the Zarr filter ${f.id}`);
    }
    if (compressor !== null) {
      this.codec = loadCompressor(compressor);
      // Awaited by encode(); a configuration refused is reported there, not as an unhandled rejection.
      this.codec.catch(() => undefined);
    }
  }

  /** Whether chunks with this compressor and these filters can be encoded here. */
  static supports(compressor: CodecConfig | null, filters: CodecConfig[] | null): boolean {
    return (filters ?? []).every((f) => f.id === "shuffle") && (compressor === null || WRITTEN_COMPRESSORS.includes(compressor.id));
  }

  /** The bytes stored for a chunk of raw (C-order, little-endian) bytes. */
  async encode(chunk: Uint8Array): Promise<Uint8Array> {
    const shuffled = this.shuffle && this.shuffle > 1 ? shuffle(chunk, this.shuffle) : chunk;
    return this.codec ? await (await this.codec).encode(shuffled) : shuffled;
  }
}

