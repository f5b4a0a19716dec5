/**
 * Video files' frame counts and timing, read from their container's metadata (no decoding, no ffmpeg): MP4 and
 * QuickTime (MOV, M4V) through mp4box. The sample table gives every frame's presentation time, so a constant
 * frame rate is told from a variable one.
 */
import { existsSync, promises as fsp, statSync } from "node:fs";
import * as nodePath from "node:path";
import { MP4BoxBuffer, createFile, type Movie, type Sample } from "mp4box";
import { FormatError, NotFoundError } from "../errors.js";

/** Containers read here. */
export const VIDEO_EXTENSIONS = [".mp4", ".m4v", ".mov"];

/** What `videoInfo` tells of a video file. */
export interface VideoInfo {
  /** The file's path. */
  file: string;
  /** Frames in the video track. */
  frames: number;
  /** Frames per second when every frame lasts as long (else undefined: see `timestamps`). */
  rate?: number;
  /** Each frame's presentation time in seconds from the first, in order. */
  timestamps: number[];
  /** Seconds from the first frame's start to the last frame's end. */
  duration: number;
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
  /** The video track's codec, as the container names it (`avc1`...). */
  codec: string;
}

/** Reads the frame count and timing of a video file's (first) video track. */
export async function videoInfo(file: string): Promise<VideoInfo> {
  if (!existsSync(file)) throw new NotFoundError(file, `no such video file: ${file}`);
  const ext = nodePath.extname(file).toLowerCase();
  if (!VIDEO_EXTENSIONS.includes(ext)) {
    throw new FormatError(file, `tsnwb reads frame counts from MP4 and MOV files only, not ${ext || "files without an extension"}: give starting_frame (and rate or timestamps) yourself`);
  }
  const { movie, samples } = await parseMovie(file);
  const track = movie.videoTracks[0];
  if (!track) throw new FormatError(file, "has no video track");
  const timescale = track.timescale;
  const times = samples.get(track.id)!.map((s) => s.cts).sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const durations = samples.get(track.id)!.map((s) => s.duration);
  const constant = durations.length > 0 && durations.every((d) => d === durations[0]);
  const timestamps = times.map((t) => (t - first) / timescale);
  const last = samples.get(track.id)!.reduce((end, s) => Math.max(end, s.cts + s.duration), 0);
  return {
    file, frames: track.nb_samples, timestamps, duration: (last - first) / timescale,
    ...(constant ? { rate: timescale / durations[0]! } : {}),
    width: track.video?.width ?? track.track_width, height: track.video?.height ?? track.track_height, codec: track.codec,
  };
}

/** Feeds the file to mp4box in 1 MB pieces, where it asks for them, until the movie's metadata is known. */
async function parseMovie(file: string): Promise<{ movie: Movie; samples: Map<number, Sample[]> }> {
  const mp4 = createFile();
  let movie: Movie | undefined;
  let failure: string | undefined;
  mp4.onReady = (m) => (movie = m);
  mp4.onError = (_module, message) => (failure = message);
  const size = statSync(file).size;
  const handle = await fsp.open(file, "r");
  // mp4box reports boxes it does not know (QuickTime's metadata) on console.error; they do not matter here.
  const consoleError = console.error;
  console.error = (...args: unknown[]) => {
    if (!args.some((a) => typeof a === "string" && a.includes("[BoxParser]"))) consoleError(...args);
  };
  try {
    let position = 0;
    while (movie === undefined && failure === undefined && position < size) {
      const length = Math.min(1 << 20, size - position);
      const bytes = new Uint8Array(length);
      await handle.read(bytes, 0, length, position);
      const next = mp4.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes.buffer, position), position + length >= size);
      position = next > position ? next : position + length;
    }
    mp4.flush();
  } catch (e) {
    throw new FormatError(file, `not a readable MP4/MOV file: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    console.error = consoleError;
    await handle.close();
  }
  if (failure !== undefined || movie === undefined) throw new FormatError(file, `not a readable MP4/MOV file${failure ? `: ${failure}` : " (no movie header)"}`);
  const samples = new Map(movie.tracks.map((t) => [t.id, mp4.getTrackSamplesInfo(t.id)] as const));
  return { movie, samples };
}
