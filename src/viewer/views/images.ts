/**
 * Image data with its true pixels: an `Image`, the images of an `Images` in the order of `order_of_images`, an
 * `ImageSeries` frame by frame (slider, playback at its rate or timestamps, a plane slider for (x, y, z) stacks),
 * an `ImageMaskSeries` over the series it masks, an `IndexSeries` as the image it indexes at each time, and series
 * of external files as their videos. Extract reads one frame at a time; the page maps values to pixels.
 */
import type { AbstractContainer, ArrayData, Image, Images, ImageSeries, IndexSeries } from "../../browser.js";
import { type Picture, overlayMask, toPicture } from "../pixels.js";
import type { ViewContext, ViewHandle, ViewModule, ViewRequest } from "./view.js";

/** Values of one picture: (rows, columns[, channels]). */
export interface Pixels {
  name: string;
  values: ArrayLike<number | bigint>;
  shape: number[];
  dtype: string;
}

export interface ImagesData {
  images: Pixels[];
}

/** A frame of a series, and (with the first request) when every frame is. */
export interface FramesData {
  kind: "frames";
  count: number;
  /** Each frame's time (sent with the first request only). */
  times?: Float64Array;
  frame: number;
  /** The stack's planes (an (x, y, z) series), 0 when not a stack. */
  planes: number;
  plane: number;
  picture: Pixels;
  /** For an ImageMaskSeries: the frame of the series it masks (the picture is then the mask). */
  masked?: Pixels;
  /** For an IndexSeries: the image index of the frame. */
  index?: number;
}

/** A series of external files: its videos, played in order of their first frame. */
export interface VideosData {
  kind: "videos";
  files: string[];
  starting_frame: number[];
  rate?: number;
}

async function pixelsOf(image: Image): Promise<Pixels> {
  return { name: image.name, values: (await image.data.read()) as ArrayLike<number>, shape: [...image.data.shape], dtype: image.data.dtype };
}

/** An Images' images in their order (`order_of_images` if set). */
function ordered(images: Images): Image[] {
  return images.order_of_images?.data ?? [...images.images.values()];
}

/** Each frame's time: the timestamps, or the rate from the starting time. */
async function frameTimes(series: ImageSeries | IndexSeries, count: number): Promise<Float64Array> {
  if (series.timestamps) return Float64Array.from((await series.timestamps.read()) as ArrayLike<number>, Number);
  const rate = series.rate ?? 1;
  const start = series.starting_time ?? 0;
  return Float64Array.from({ length: count }, (_, i) => start + i / rate);
}

/** Frame `i` (for an (x, y, z) stack: its plane `plane`) of series data. */
async function frameOf(name: string, data: ArrayData, i: number, plane: number): Promise<{ pixels: Pixels; planes: number }> {
  const shape = data.shape;
  const colour = shape.length === 4 && (shape[3] === 3 || shape[3] === 4);
  const stack = shape.length === 4 && !colour;
  const values = (await data.read([[i, i + 1]])) as ArrayLike<number>;
  if (!stack) return { pixels: { name, values, shape: shape.slice(1), dtype: data.dtype }, planes: 0 };
  const z = shape[3]!;
  const p = Math.max(0, Math.min(z - 1, plane));
  const one = Array.from({ length: shape[1]! * shape[2]! }, (_, k) => values[k * z + p]!);
  return { pixels: { name, values: one, shape: shape.slice(1, 3), dtype: data.dtype }, planes: z };
}

/** The display settings a view's pictures share: a range (blank: each picture's own), rotation and flips. */
function displayControls(element: HTMLElement, redraw: () => void): () => [number, number] | undefined {
  const controls = document.createElement("div");
  controls.className = "controls";
  const lo = Object.assign(document.createElement("input"), { type: "number", id: "range-lo", placeholder: "min", step: "any" });
  const hi = Object.assign(document.createElement("input"), { type: "number", id: "range-hi", placeholder: "max", step: "any" });
  lo.addEventListener("change", redraw);
  hi.addEventListener("change", redraw);
  let turns = 0;
  let flipH = false;
  let flipV = false;
  const transform = () => {
    for (const c of element.querySelectorAll("canvas")) {
      (c as HTMLCanvasElement).style.transform = `rotate(${turns * 90}deg) scale(${flipH ? -1 : 1}, ${flipV ? -1 : 1})`;
    }
  };
  const button = (id: string, text: string, act: () => void) => {
    const b = Object.assign(document.createElement("button"), { id, textContent: text });
    b.addEventListener("click", () => {
      act();
      transform();
    });
    return b;
  };
  controls.append("range", lo, hi, button("rotate", "Rotate 90°", () => (turns = (turns + 1) % 4)),
    button("flip-h", "Flip ↔", () => (flipH = !flipH)), button("flip-v", "Flip ↕", () => (flipV = !flipV)));
  element.append(controls);
  return () => (lo.value !== "" && hi.value !== "" ? [Number(lo.value), Number(hi.value)] : undefined);
}

/** Draws values into a canvas (a mask tinted over them), and names what is shown in `label`. */
function draw(canvas: HTMLCanvasElement, p: Pixels, range: [number, number] | undefined, label?: HTMLElement, mask?: ArrayLike<number | bigint>): void {
  let picture: Picture = toPicture(p.values, p.shape, p.dtype, range);
  if (mask) picture = overlayMask(picture, mask);
  canvas.width = picture.width;
  canvas.height = picture.height;
  canvas.style.width = `${Math.max(picture.width, Math.min(512, picture.width * 4))}px`;
  canvas.getContext("2d")!.putImageData(new ImageData(picture.rgba as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height), 0, 0);
  if (label) label.textContent = `${p.dtype} [${p.shape.join(", ")}], shown ${picture.range[0]} to ${picture.range[1]}`;
}

function renderImages(element: HTMLElement, data: ImagesData): ViewHandle {
  const painters: (() => void)[] = [];
  const range = displayControls(element, () => painters.forEach((p) => p()));
  for (const image of data.images) {
    const figure = document.createElement("div");
    figure.className = "figure";
    const canvas = document.createElement("canvas");
    canvas.dataset.name = image.name;
    const caption = document.createElement("div");
    figure.append(canvas, caption);
    element.append(figure);
    const paint = () => {
      draw(canvas, image, range(), caption);
      caption.textContent = `${image.name}: ${caption.textContent}`;
    };
    paint();
    painters.push(paint);
  }
  return {};
}

export const imageView: ViewModule<ImagesData> = {
  name: "image",
  types: ["Image"],
  extract: async (obj) => ({ images: [await pixelsOf(obj as Image)] }),
  render: (element, data) => renderImages(element, data),
};

export const imagesView: ViewModule<ImagesData> = {
  name: "images",
  types: ["Images"],
  extract: async (obj) => ({ images: await Promise.all(ordered(obj as Images).map(pixelsOf)) }),
  render: (element, data) => renderImages(element, data),
};

/**
 * A frame slider, a play button and the frame's time; `show(i)` draws frame i. Playback waits between frames the
 * time recorded between them; the shared cursor follows the frame, and a cursor set elsewhere picks the frame.
 */
function frameControls(element: HTMLElement, count: number, times: Float64Array, show: (i: number) => Promise<void>, context: ViewContext<unknown>): ViewHandle & { redraw(): void } {
  const controls = document.createElement("div");
  controls.className = "controls";
  const slider = Object.assign(document.createElement("input"), { type: "range", id: "frame", min: "0", max: String(Math.max(0, count - 1)), value: "0" });
  const play = Object.assign(document.createElement("button"), { id: "play", textContent: "Play" });
  const time = Object.assign(document.createElement("span"), { id: "time" });
  controls.append(play, slider, time);
  element.append(controls);
  let shown = -1;
  let ticket = 0;
  const go = async (i: number, follow = true) => {
    const mine = ++ticket;
    slider.value = String(i);
    time.textContent = `frame ${i} of ${count}, t = ${(times[i] ?? 0).toFixed(3)} s`;
    shown = i;
    await show(i);
    if (mine !== ticket) return;
    element.dataset.frame = String(i);
    // A count of frames drawn, for whoever waits for a redraw (the end-to-end test).
    element.dataset.renders = String(Number(element.dataset.renders ?? 0) + 1);
    if (follow && times[i] !== undefined) context.setTime(times[i]!);
  };
  slider.addEventListener("input", () => void go(Number(slider.value)));
  let stop: (() => void) | undefined;
  play.addEventListener("click", () => {
    if (stop) return stop();
    play.textContent = "Pause";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const next = (shown + 1) % count;
      // The wait before a frame is the time between it and the one before, as recorded (at least 10 ms).
      const wait = Math.max(10, (times[next]! - times[shown]!) * 1000 || 1000 / 30);
      timer = setTimeout(() => void go(next).then(step), next === 0 ? 0 : wait);
    };
    step();
    stop = () => {
      clearTimeout(timer);
      play.textContent = "Play";
      stop = undefined;
    };
  });
  // The frame at the cursor: the last one at or before it.
  const frameAt = (t: number) => {
    let lo = 0, hi = count - 1;
    if (count === 0 || t < times[0]!) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (times[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const t = context.time;
  void go(t === undefined ? 0 : frameAt(t), false);
  return {
    redraw: () => void go(Math.max(0, shown), false),
    setTime: (at) => {
      const i = frameAt(at);
      if (i !== shown && !stop) void go(i, false);
    },
    dispose: () => stop?.(),
  };
}

function renderFrames(element: HTMLElement, first: FramesData, context: ViewContext<FramesData>): ViewHandle {
  const times = first.times ?? new Float64Array(first.count);
  let plane = 0;
  const canvas = Object.assign(document.createElement("canvas"), { id: "canvas" });
  const caption = document.createElement("div");
  let current = first;
  const paint = () => {
    const d = current;
    if (d.masked) {
      draw(canvas, d.masked, range(), caption, d.picture.values);
      caption.textContent = `${d.masked.name} masked by ${d.picture.name}: ${caption.textContent}`;
    } else draw(canvas, d.picture, range(), caption);
    if (d.index !== undefined) caption.textContent = `index ${d.index}: ${d.picture.name}, ${caption.textContent}`;
  };
  const range = displayControls(element, () => frames.redraw());
  if (first.planes > 0) {
    const planes = document.createElement("div");
    planes.className = "controls";
    const slider = Object.assign(document.createElement("input"), { type: "range", id: "plane", min: "0", max: String(first.planes - 1), value: "0" });
    const label = Object.assign(document.createElement("span"), { id: "plane-label", textContent: `plane 0 of ${first.planes}` });
    slider.addEventListener("input", () => {
      plane = Number(slider.value);
      label.textContent = `plane ${plane} of ${first.planes}`;
      element.dataset.plane = String(plane);
      frames.redraw();
    });
    planes.append("z", slider, label);
    element.append(planes);
  }
  const frames = frameControls(element, first.count, times, async (i) => {
    if (current.frame !== i || current.plane !== plane) current = await context.request({ frame: i, plane });
    paint();
  }, context as ViewContext<unknown>);
  element.append(canvas, caption);
  return frames;
}

/** An external-file series: its videos one after another by `starting_frame`; a file that cannot play is named. */
function renderVideos(element: HTMLElement, data: VideosData, context: ViewContext<unknown>): ViewHandle {
  const files = data.files;
  const starts = data.starting_frame;
  const order = files.map((_, i) => i).sort((a, b) => (starts[a] ?? 0) - (starts[b] ?? 0));
  const video = Object.assign(document.createElement("video"), { id: "video", controls: true, muted: true });
  const label = Object.assign(document.createElement("div"), { id: "video-file" });
  const problems = Object.assign(document.createElement("div"), { id: "video-error" });
  let at = 0;
  const load = (k: number) => {
    at = k;
    const file = files[order[k]!]!;
    const src = context.externalURL?.(file);
    label.textContent = `file ${k + 1} of ${files.length}: ${file} (from frame ${starts[order[k]!] ?? 0})`;
    element.dataset.video = String(k);
    if (src === undefined) {
      problems.textContent += `${file}: cannot be reached from a file opened from disk. `;
      return;
    }
    video.src = src;
  };
  video.addEventListener("ended", () => {
    if (at + 1 < files.length) {
      load(at + 1);
      void video.play().catch(() => undefined);
    }
  });
  video.addEventListener("error", () => {
    problems.textContent += `the browser cannot decode ${files[order[at]!]} (or cannot reach it). `;
    if (at + 1 < files.length) load(at + 1);
  });
  video.addEventListener("timeupdate", () => {
    const frame = (starts[order[at]!] ?? 0) + (data.rate ? Math.floor(video.currentTime * data.rate) : 0);
    element.dataset.frame = String(frame);
  });
  const list = document.createElement("ul");
  for (const i of order) {
    const li = document.createElement("li");
    li.textContent = `${files[i]} (from frame ${starts[i] ?? 0})`;
    list.append(li);
  }
  element.append(video, label, problems, list);
  if (files.length > 0) load(0);
  return { dispose: () => video.pause() };
}

export const imageSeriesView: ViewModule<FramesData | VideosData> = {
  name: "imageseries",
  types: ["ImageSeries"],
  async extract(obj: AbstractContainer, request: ViewRequest) {
    const series = obj as ImageSeries;
    if (series.external_file) return { kind: "videos", files: [...series.external_file], starting_frame: [...(series.starting_frame ?? [0])], rate: series.rate };
    const count = series.data.shape[0] ?? 0;
    const frame = Math.max(0, Math.min(count - 1, Math.floor(Number(request.frame ?? 0))));
    const plane = Math.floor(Number(request.plane ?? 0));
    const { pixels, planes } = await frameOf(series.name, series.data, frame, plane);
    // An ImageMaskSeries is drawn over the frames of the series it masks.
    const masks = (series as { masked_imageseries?: ImageSeries }).masked_imageseries;
    const masked = masks ? (await frameOf(masks.name, masks.data, frame, 0)).pixels : undefined;
    const times = request.frame === undefined ? await frameTimes(series, count) : undefined;
    return { kind: "frames", count, times, frame, planes, plane, picture: pixels, masked };
  },
  render: (element, data, context) => (data.kind === "videos" ? renderVideos(element, data, context as ViewContext<unknown>) : renderFrames(element, data, context as ViewContext<FramesData>)),
};

export const indexSeriesView: ViewModule<FramesData> = {
  name: "indexseries",
  types: ["IndexSeries"],
  async extract(obj: AbstractContainer, request: ViewRequest) {
    const series = obj as IndexSeries;
    const count = series.data.shape[0] ?? 0;
    const frame = Math.max(0, Math.min(count - 1, Math.floor(Number(request.frame ?? 0))));
    const index = count === 0 ? 0 : Number(((await series.data.read([[frame, frame + 1]])) as ArrayLike<number | bigint>)[0]);
    const images = series.indexed_images ? ordered(series.indexed_images) : [];
    const image = images[index];
    const picture: Pixels = image ? await pixelsOf(image) : { name: `index ${index}: no such image`, values: [], shape: [0, 0], dtype: "uint8" };
    const times = request.frame === undefined ? await frameTimes(series, count) : undefined;
    return { kind: "frames", count, times, frame, planes: 0, plane: 0, picture, index };
  },
  render: (element, data, context) => renderFrames(element, data, context),
};
