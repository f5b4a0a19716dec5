/**
 * The viewer page: opens an NWB file (the one `tsnwb view` serves, a file picked or dropped, or a URL), lists its
 * objects and session metadata, and shows image data: images with their true pixels, `Images` in the order of
 * `order_of_images`, series frame by frame with a slider and playback at their rate or timestamps, and an
 * `IndexSeries` as the image it indexes at each time; and the file's best-practice findings (tsnwb's inspector, as
 * the NWB Inspector's), each leading to its object. Runs in the browser, on the browser entry of tsnwb.
 */
import * as tsnwb from "../browser.js";
import { type AbstractContainer, type ArrayData, Image, ImageMaskSeries, Images, ImageSeries, IndexSeries, NWBHDF5IO, type NWBFile } from "../browser.js";
import { type Picture, overlayMask, toPicture } from "./pixels.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let current: { io: NWBHDF5IO; nwbfile: NWBFile; url?: string } | undefined;
/** Where `tsnwb view` serves the file's external files (videos), when it does. */
const externalBase = new URLSearchParams(location.search).get("external");
let stopPlayback: (() => void) | undefined;

function status(text: string): void {
  $("status").textContent = text;
}

/** Opens a file from its bytes and lists it. */
async function openFile(source: Blob, name: string): Promise<void> {
  status(`opening ${name}...`);
  if (current) await current.io.close();
  const io = await NWBHDF5IO.open(source, "r", { name });
  const nwbfile = await io.read();
  current = { io, nwbfile };
  listFile(nwbfile);
  status(name);
  document.body.dataset.loaded = "true";
}

/** Opens a file by URL, lazily: its metadata now, each frame's chunks when it is shown. */
async function openURL(url: string): Promise<void> {
  status(`opening ${url}...`);
  if (current) await current.io.close();
  const absolute = new URL(url, location.href).href;
  const io = await NWBHDF5IO.open(absolute, "r");
  const nwbfile = await io.read();
  current = { io, nwbfile, url: absolute };
  listFile(nwbfile);
  status(url);
  document.body.dataset.loaded = "true";
}

function listFile(nwbfile: NWBFile): void {
  const session = [
    `identifier: ${nwbfile.identifier}`, `session: ${nwbfile.session_description}`, `start: ${nwbfile.session_start_time}`,
    ...(nwbfile.experimenter ? [`experimenter: ${nwbfile.experimenter.join("; ")}`] : []),
    ...(nwbfile.lab ? [`lab: ${nwbfile.lab}`] : []),
  ];
  $("session").textContent = session.join("\n");
  void showFindings(nwbfile);
  const tree = $("tree");
  tree.replaceChildren();
  const objects = [...nwbfile.objects.values()].filter((o) => o !== (nwbfile as AbstractContainer));
  objects.sort((a, b) => (a.container_source?.path ?? "").localeCompare(b.container_source?.path ?? ""));
  for (const obj of objects) {
    const path = obj.container_source?.path ?? obj.name;
    const li = document.createElement("li");
    li.dataset.path = path;
    li.style.paddingLeft = `${(path.split("/").length - 2) * 12 + 4}px`;
    li.innerHTML = `${escape(obj.name)} <span class="type">${escape(obj.neurodata_type)}</span>`;
    li.addEventListener("click", () => void show(obj, li));
    tree.append(li);
  }
}

/**
 * The file's best-practice findings, most important first, under the session: each names its importance, check and
 * object, and a click shows the object. External files' existence is not checked (a page has no file system).
 */
async function showFindings(nwbfile: NWBFile): Promise<void> {
  const box = $("findings");
  box.dataset.done = "false";
  const list = $("findings-list");
  list.replaceChildren();
  $("findings-summary").textContent = "best practices: inspecting...";
  let messages: tsnwb.InspectionMessage[];
  try {
    messages = await tsnwb.inspect(nwbfile);
  } catch (err) {
    $("findings-summary").textContent = `best practices: the inspection failed (${String(err)})`;
    box.dataset.done = "true";
    return;
  }
  if (current?.nwbfile !== nwbfile) return; // another file was opened meanwhile
  const counts = tsnwb.IMPORTANCES.map((i) => [i, messages.filter((m) => m.importance === i).length] as const).filter(([, n]) => n > 0);
  $("findings-summary").textContent = messages.length === 0 ? "best practices: no findings"
    : `best practices: ${counts.map(([i, n]) => `${n} ${i.toLowerCase().replace(/_/g, " ")}`).join(", ")}`;
  for (const m of messages) {
    const li = document.createElement("li");
    li.dataset.check = m.check_function_name;
    li.dataset.path = m.path;
    li.className = m.importance.toLowerCase();
    li.title = m.message;
    li.innerHTML = `<span class="importance">${escape(m.importance.replace("BEST_PRACTICE_", ""))}</span> ${escape(m.check_function_name)} <span class="type">${escape(m.path)}</span><br>${escape(m.message)}`;
    li.addEventListener("click", () => {
      const item = document.querySelector<HTMLElement>(`#tree li[data-path="${CSS.escape(m.path)}"]`);
      const obj = [...nwbfile.objects.values()].find((o) => (o.container_source?.path ?? o.name) === m.path);
      if (item && obj) {
        item.scrollIntoView({ block: "nearest" });
        void show(obj, item);
      }
    });
    list.append(li);
  }
  box.dataset.done = "true";
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** The display range the user set (undefined: each image's own), and the redraw to call when it changes. */
let displayRange: [number, number] | undefined;
let redraw: (() => void) | undefined;

/** A canvas showing (rows, columns[, channels]) values, with the range shown; `mask` tints masked pixels. */
function draw(canvas: HTMLCanvasElement, values: ArrayLike<number | bigint>, shape: readonly number[], dtype: string, label?: HTMLElement, mask?: ArrayLike<number | bigint>): void {
  let picture: Picture = toPicture(values, shape, dtype, displayRange);
  if (mask) picture = overlayMask(picture, mask);
  canvas.width = picture.width;
  canvas.height = picture.height;
  canvas.style.width = `${Math.max(picture.width, Math.min(512, picture.width * 4))}px`;
  canvas.getContext("2d")!.putImageData(new ImageData(picture.rgba as Uint8ClampedArray<ArrayBuffer>, picture.width, picture.height), 0, 0);
  if (label) label.textContent = `${dtype} [${shape.join(", ")}], shown ${picture.range[0]} to ${picture.range[1]}`;
}

/**
 * The display controls: the range of values mapped to black and white (blank: each image's own), and rotation and
 * flips for data stored the other way round (they turn the picture on screen, not the data).
 */
function displayControls(view: HTMLElement): void {
  const controls = document.createElement("div");
  controls.className = "controls";
  const lo = Object.assign(document.createElement("input"), { type: "number", id: "range-lo", placeholder: "min", step: "any" });
  const hi = Object.assign(document.createElement("input"), { type: "number", id: "range-hi", placeholder: "max", step: "any" });
  const apply = () => {
    displayRange = lo.value !== "" && hi.value !== "" ? [Number(lo.value), Number(hi.value)] : undefined;
    redraw?.();
  };
  lo.addEventListener("change", apply);
  hi.addEventListener("change", apply);
  let turns = 0;
  let flipH = false;
  let flipV = false;
  const transform = () => {
    for (const c of view.querySelectorAll("canvas")) {
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
  view.append(controls);
}

async function show(obj: AbstractContainer, li: HTMLElement): Promise<void> {
  stopPlayback?.();
  stopPlayback = undefined;
  for (const other of document.querySelectorAll("#tree li.selected")) other.classList.remove("selected");
  li.classList.add("selected");
  const view = $("view");
  view.replaceChildren();
  delete view.dataset.ready;
  delete view.dataset.frame;
  delete view.dataset.renders;
  displayRange = undefined;
  redraw = undefined;
  const title = document.createElement("h2");
  title.textContent = `${obj.name} (${obj.neurodata_type})`;
  view.append(title);
  view.dataset.path = li.dataset.path;
  if (obj instanceof Image || obj instanceof Images || obj instanceof ImageSeries || obj instanceof IndexSeries) displayControls(view);
  if (obj instanceof Image) await showImages(view, [obj]);
  else if (obj instanceof Images) await showImages(view, obj.order_of_images?.data ?? [...obj.images.values()]);
  else if (obj instanceof IndexSeries) await showIndexSeries(view, obj);
  else if (obj instanceof ImageSeries && !obj.external_file) await showSeries(view, obj);
  else if (obj instanceof ImageSeries) showVideos(view, obj);
  else {
    const pre = document.createElement("pre");
    pre.textContent = JSON.stringify(obj, null, 2);
    view.append(pre);
  }
  view.dataset.ready = "true";
}

async function showImages(view: HTMLElement, images: Image[]): Promise<void> {
  const shown: (() => void)[] = [];
  for (const image of images) {
    const figure = document.createElement("div");
    figure.className = "figure";
    const canvas = document.createElement("canvas");
    canvas.dataset.name = image.name;
    const caption = document.createElement("div");
    figure.append(canvas, caption);
    view.append(figure);
    const values = (await image.data.read()) as ArrayLike<number>;
    const paint = () => {
      draw(canvas, values, image.data.shape, image.data.dtype, caption);
      caption.textContent = `${image.name}: ${caption.textContent}`;
    };
    paint();
    shown.push(paint);
  }
  redraw = () => shown.forEach((paint) => paint());
}

/** A frame slider, a play button and the frame's time, calling `render(i)` for frame i. */
function frameControls(view: HTMLElement, count: number, timeOf: (i: number) => number, render: (i: number) => Promise<void>): void {
  const controls = document.createElement("div");
  controls.className = "controls";
  const slider = Object.assign(document.createElement("input"), { type: "range", id: "frame", min: "0", max: String(Math.max(0, count - 1)), value: "0" });
  const play = Object.assign(document.createElement("button"), { id: "play", textContent: "Play" });
  const time = Object.assign(document.createElement("span"), { id: "time" });
  controls.append(play, slider, time);
  view.append(controls);
  let shown = -1;
  const go = async (i: number) => {
    slider.value = String(i);
    time.textContent = `frame ${i} of ${count}, t = ${timeOf(i).toFixed(3)} s`;
    shown = i;
    await render(i);
    view.dataset.frame = String(i);
    // A count of frames drawn, for whoever waits for a redraw (the end-to-end test).
    view.dataset.renders = String(Number(view.dataset.renders ?? 0) + 1);
  };
  slider.addEventListener("input", () => void go(Number(slider.value)));
  redraw = () => void go(Math.max(0, shown));
  play.addEventListener("click", () => {
    if (stopPlayback) return stopPlayback();
    play.textContent = "Pause";
    let timer: ReturnType<typeof setTimeout> | undefined;
    const step = () => {
      const next = (shown + 1) % count;
      // The wait before a frame is the time between it and the one before, as recorded (at least 10 ms).
      const wait = Math.max(10, (timeOf(next) - timeOf(shown)) * 1000 || 1000 / 30);
      timer = setTimeout(() => void go(next).then(step), next === 0 ? 0 : wait);
    };
    step();
    stopPlayback = () => {
      clearTimeout(timer);
      play.textContent = "Play";
      stopPlayback = undefined;
    };
  });
  void go(0);
}

/** When sample i of a series happened, from its timestamps or its rate. */
async function timing(series: ImageSeries | IndexSeries): Promise<(i: number) => number> {
  if (series.timestamps) {
    const ts = Array.from((await series.timestamps.read()) as ArrayLike<number>);
    return (i) => ts[i] ?? 0;
  }
  const rate = series.rate ?? 1;
  const start = series.starting_time ?? 0;
  return (i) => start + i / rate;
}

async function showSeries(view: HTMLElement, series: ImageSeries): Promise<void> {
  const data: ArrayData = series.data;
  const shape = data.shape;
  // (frame, rows, columns) grey, (frame, rows, columns, 3|4) colour, else (frame, x, y, z): one plane at a time.
  const colour = shape.length === 4 && (shape[3] === 3 || shape[3] === 4);
  const stack = shape.length === 4 && !colour;
  const frameShape = stack ? shape.slice(1, 3) : shape.slice(1);
  const canvas = Object.assign(document.createElement("canvas"), { id: "canvas" });
  const caption = document.createElement("div");
  let plane = 0;
  // An ImageMaskSeries is drawn over the frames of the series it masks.
  const masked = series instanceof ImageMaskSeries ? series.masked_imageseries : undefined;
  const render = async (i: number) => {
    const values = (await data.read([[i, i + 1]])) as ArrayLike<number>;
    const picture = stack ? Array.from({ length: shape[1]! * shape[2]! }, (_, p) => values[p * shape[3]! + plane]!) : values;
    if (masked) {
      const base = (await masked.data.read([[i, i + 1]])) as ArrayLike<number>;
      draw(canvas, base, masked.data.shape.slice(1), masked.data.dtype, caption, picture);
      caption.textContent = `${masked.name} masked by ${series.name}: ${caption.textContent}`;
    } else draw(canvas, picture, frameShape, data.dtype, caption);
  };
  if (stack) {
    const planes = document.createElement("div");
    planes.className = "controls";
    const slider = Object.assign(document.createElement("input"), { type: "range", id: "plane", min: "0", max: String(shape[3]! - 1), value: "0" });
    const label = Object.assign(document.createElement("span"), { id: "plane-label", textContent: `plane 0 of ${shape[3]}` });
    slider.addEventListener("input", () => {
      plane = Number(slider.value);
      label.textContent = `plane ${plane} of ${shape[3]}`;
      view.dataset.plane = String(plane);
      redraw?.();
    });
    planes.append("z", slider, label);
    view.append(planes);
  }
  frameControls(view, shape[0] ?? 0, await timing(series), render);
  view.append(canvas, caption);
}

async function showIndexSeries(view: HTMLElement, series: IndexSeries): Promise<void> {
  const indices = Array.from((await series.data.read()) as ArrayLike<number | bigint>, Number);
  const images = series.indexed_images ? series.indexed_images.order_of_images?.data ?? [...series.indexed_images.images.values()] : [];
  const canvas = Object.assign(document.createElement("canvas"), { id: "canvas" });
  const caption = document.createElement("div");
  frameControls(view, indices.length, await timing(series), async (i) => {
    const image = images[indices[i]!];
    if (!image) {
      caption.textContent = `index ${indices[i]}: no such image`;
      return;
    }
    draw(canvas, (await image.data.read()) as ArrayLike<number>, image.data.shape, image.data.dtype, caption);
    caption.textContent = `index ${indices[i]}: ${image.name}, ${caption.textContent}`;
  });
  view.append(canvas, caption);
}

/**
 * An external-file series: its videos played in a `<video>`, one after another in the order of `starting_frame`,
 * with the frame shown; a file the browser cannot decode (or reach) is named, and the next one plays.
 */
function showVideos(view: HTMLElement, series: ImageSeries): void {
  const files = series.external_file ?? [];
  const starts = series.starting_frame ?? [0];
  const order = files.map((_, i) => i).sort((a, b) => (starts[a] ?? 0) - (starts[b] ?? 0));
  const where = (p: string) => (externalBase ? `${externalBase}${encodeURIComponent(p)}` : current?.url ? new URL(p, current.url).href : undefined);
  const video = Object.assign(document.createElement("video"), { id: "video", controls: true, muted: true });
  const label = Object.assign(document.createElement("div"), { id: "video-file" });
  const problems = Object.assign(document.createElement("div"), { id: "video-error" });
  let at = 0;
  const load = (k: number) => {
    at = k;
    const file = files[order[k]!]!;
    const src = where(file);
    label.textContent = `file ${k + 1} of ${files.length}: ${file} (from frame ${starts[order[k]!] ?? 0})`;
    view.dataset.video = String(k);
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
    const rate = series.rate;
    const frame = (starts[order[at]!] ?? 0) + (rate ? Math.floor(video.currentTime * rate) : 0);
    view.dataset.frame = String(frame);
  });
  const list = document.createElement("ul");
  for (const i of order) {
    const li = document.createElement("li");
    li.textContent = `${files[i]} (from frame ${starts[i] ?? 0})`;
    list.append(li);
  }
  view.append(video, label, problems, list);
  if (files.length > 0) load(0);
}

function main(): void {
  $<HTMLInputElement>("file").addEventListener("change", (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void openFile(file, file.name).catch((err: unknown) => status(String(err)));
  });
  $("open-url").addEventListener("click", () => void openURL($<HTMLInputElement>("url").value).catch((err: unknown) => status(String(err))));
  document.body.addEventListener("dragover", (e) => e.preventDefault());
  document.body.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void openFile(file, file.name).catch((err: unknown) => status(String(err)));
  });
  const served = new URLSearchParams(location.search).get("file");
  if (served) void openURL(served).catch((err: unknown) => status(String(err)));
}

main();

// The library, for the browser's console (and the end-to-end tests): `await tsnwb.NWBHDF5IO.open(url)`.
(globalThis as { tsnwb?: unknown }).tsnwb = tsnwb;
