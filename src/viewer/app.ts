/**
 * The viewer page: opens an NWB file (the one `tsnwb view` serves, a file picked or dropped, or a URL) in the
 * reading worker (the page never reads the file itself, so it never freezes while chunks arrive), lists its objects
 * by section (acquisition, stimulus, processing modules, intervals, units, general, analysis, scratch), shows the
 * file's overview on load (session, subject, devices, what each section holds, best-practice findings), and shows
 * the object selected with the view of its type (`views/registry.ts`). The selection and the shared time cursor are
 * in the address (`?file=...&path=...&t=...`), so a view can be shared, and the browser's back and forward move
 * between selections.
 */
import type { FileSource, Finding, Overview, TreeEntry } from "./protocol.js";
import { type EarlyWorker, type ExtractRecord, Reader } from "./reader-client.js";
import { compareSections, sectionOf, sectionTitle } from "./sections.js";
import { viewNamed } from "./views/registry.js";
import type { ViewContext, ViewHandle, ViewRequest } from "./views/view.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The reading worker: the one `index.html` started (and set opening the file its address names), else a new one. */
const reader = new Reader(new URL("reader.js", import.meta.url), (globalThis as { tsnwbEarlyReader?: EarlyWorker }).tsnwbEarlyReader);

/** Where `tsnwb view` serves the file's external files (videos), when it does. */
const externalBase = new URLSearchParams(location.search).get("external");

/** What is open: the file's name, its URL (when read by URL), its objects by path. */
let current: { name: string; url?: string; entries: Map<string, TreeEntry> } | undefined;
/** The open file's overview (shown again when the address names no object). */
let overview: Overview | undefined;
/** The shared time cursor, in seconds. */
let time: number | undefined;
/** The views open on the page (the selected one, and those pinned), each told when the cursor moves. */
const open = new Set<{ path: string; handle: ViewHandle }>();
/** The view in the main panel. */
let main: { path: string; handle: ViewHandle } | undefined;

function status(text: string): void {
  $("status").textContent = text;
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

/** Bytes as text: 1.5 MB. */
function size(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let k = 0;
  while (bytes >= 1000 && k < units.length - 1) {
    bytes /= 1000;
    k++;
  }
  return `${k === 0 ? bytes : bytes.toPrecision(3)} ${units[k]}`;
}

/** The address of the current state: the file, the object selected, the cursor (other parameters kept). */
function address(path: string | undefined): string {
  const params = new URLSearchParams(location.search);
  // A File picked or dropped has no address: the address then names no file.
  if (current?.url) params.set("file", current.url);
  else params.delete("file");
  if (path) params.set("path", path);
  else params.delete("path");
  if (time !== undefined) params.set("t", String(Number(time.toPrecision(12))));
  else params.delete("t");
  return `${location.pathname}?${params.toString().replace(/%2F/g, "/")}`;
}

/** Opens a file in the reading worker, lists it, and shows the object and time the address names (or the overview). */
async function openSource(source: FileSource, name: string, target?: { path?: string; t?: number }): Promise<void> {
  status(`opening ${name}...`);
  document.body.dataset.loaded = "false";
  closeViews();
  // The last file's findings go with it (this file's come once it is shown).
  $("findings").dataset.done = "false";
  $("findings-summary").textContent = "best practices: inspecting...";
  $("findings-list").replaceChildren();
  lastFindings = [];
  // The object the address names is read as soon as the file is: the worker starts its extract once it has answered
  // with the tree, while the page lists the tree (`select` then asks for the same view and request, and gets it).
  time = target?.t;
  const first = target?.path ? { path: target.path, request: firstRequest() } : undefined;
  const { tree: entries } = await reader.call("open", source, first);
  current = { name, url: "url" in source ? urlParameter(source.url) : undefined, entries: new Map(entries.map((e) => [e.path, e])) };
  listTree(entries);
  const shown = target?.path && current.entries.has(target.path) ? select(target.path, "replace") : undefined;
  // Asked after the first view's extract: the worker describes the file while that reads.
  overview = await reader.call("overview");
  showSession(overview);
  if (shown) await shown;
  else {
    showOverview(overview);
    history.replaceState(null, "", address(undefined));
  }
  status(name);
  document.body.dataset.loaded = "true";
  // The inspection reads much of the file: asked of the worker after what is shown first, not before it.
  void showFindings(current);
}

/** The file as the address names it: as given when it was relative (`/file.nwb`), else absolute. */
function urlParameter(url: string): string {
  const given = new URLSearchParams(location.search).get("file");
  return given !== null && new URL(given, location.href).href === url ? given : url;
}

/** The objects, under a heading per section, each indented by its depth within its section. */
function listTree(entries: TreeEntry[]): void {
  const tree = $("tree");
  tree.replaceChildren();
  const sections = new Map<string, TreeEntry[]>();
  for (const e of entries) {
    const s = sectionOf(e.path);
    const list = sections.get(s);
    if (list) list.push(e);
    else sections.set(s, [e]);
  }
  for (const section of [...sections.keys()].sort(compareSections)) {
    const box = document.createElement("section");
    box.dataset.section = section;
    const heading = Object.assign(document.createElement("h3"), { textContent: sectionTitle(section) });
    const list = document.createElement("ul");
    const depth = section.split("/").length;
    for (const e of sections.get(section)!) {
      const li = document.createElement("li");
      li.dataset.path = e.path;
      li.dataset.view = e.view;
      // A table's columns are listed under it only while it (or one of them) is selected.
      if (e.table) {
        li.classList.add("column");
        li.dataset.table = e.table;
      }
      li.style.paddingLeft = `${Math.max(0, e.path.split("/").length - 2 - depth) * 12 + 4}px`;
      li.innerHTML = `${escape(e.name)} <span class="type">${escape(e.neurodata_type)}</span>`;
      li.addEventListener("click", () => void select(e.path, "push"));
      list.append(li);
    }
    box.append(heading, list);
    tree.append(box);
  }
}

function showSession(overview: Overview): void {
  const get = (k: string) => overview.session.find(([f]) => f === k)?.[1];
  const lines = [
    `identifier: ${get("identifier") ?? ""}`, `session: ${get("session_description") ?? ""}`, `start: ${get("session_start_time") ?? ""}`,
    ...(get("experimenter") ? [`experimenter: ${get("experimenter")}`] : []), ...(get("lab") ? [`lab: ${get("lab")}`] : []),
  ];
  $("session").textContent = lines.join("\n");
}

/** The overview, in the main panel: session, subject, devices, and per section what it holds and how big. */
function showOverview(overview: Overview): void {
  if (main) {
    main.handle.dispose?.();
    open.delete(main);
    main = undefined;
  }
  $("pin").hidden = true;
  const view = resetView();
  $("title").textContent = current?.name ?? "";
  view.dataset.view = "overview";
  const fields = (title: string, rows: [string, string][], id: string) => {
    if (rows.length === 0) return;
    const table = Object.assign(document.createElement("table"), { id, className: "fields" });
    for (const [k, v] of rows) {
      const tr = table.insertRow();
      tr.dataset.field = k;
      tr.insertCell().textContent = k;
      tr.insertCell().textContent = v;
    }
    view.append(Object.assign(document.createElement("h3"), { textContent: title }), table);
  };
  fields("Session", overview.session, "overview-session");
  fields("Subject", overview.subject, "overview-subject");
  if (overview.devices.length > 0) {
    const list = Object.assign(document.createElement("ul"), { id: "overview-devices" });
    for (const d of overview.devices) {
      const li = document.createElement("li");
      const a = Object.assign(document.createElement("a"), { href: "#", textContent: d.name });
      a.addEventListener("click", (e) => {
        e.preventDefault();
        void select(d.path, "push");
      });
      li.append(a, [d.description, d.manufacturer].filter(Boolean).map((x) => ` ${x}`).join(";"));
      list.append(li);
    }
    view.append(Object.assign(document.createElement("h3"), { textContent: "Devices" }), list);
  }
  const table = Object.assign(document.createElement("table"), { id: "overview-sections", className: "fields" });
  const head = table.createTHead().insertRow();
  for (const h of ["section", "type", "objects", "data"]) head.append(Object.assign(document.createElement("th"), { textContent: h }));
  const body = table.createTBody();
  for (const s of [...overview.sections].sort((a, b) => compareSections(a.section, b.section))) {
    for (const t of s.types) {
      const tr = body.insertRow();
      tr.dataset.section = s.section;
      tr.dataset.type = t.type;
      tr.dataset.count = String(t.count);
      tr.dataset.bytes = String(t.bytes);
      tr.insertCell().textContent = sectionTitle(s.section);
      tr.insertCell().textContent = t.type;
      tr.insertCell().textContent = String(t.count);
      tr.insertCell().textContent = t.bytes > 0 ? size(t.bytes) : "";
    }
  }
  view.append(Object.assign(document.createElement("h3"), { textContent: "Contents" }), table);
  const findings = Object.assign(document.createElement("p"), { id: "overview-findings" });
  view.append(Object.assign(document.createElement("h3"), { textContent: "Best practices" }), findings);
  if ($("findings").dataset.done === "true") overviewFindings(findings, ($("findings-summary").textContent ?? "").replace(/^best practices: /, ""), lastFindings);
  else findings.textContent = "inspecting...";
  view.dataset.ready = "true";
}

/** The findings of the last inspection, for an overview shown after it. */
let lastFindings: Finding[] = [];

/** The findings in the overview: their summary, and each (most important first) a link to its object. */
function overviewFindings(box: HTMLElement, summary: string, messages: Finding[]): void {
  box.replaceChildren(summary);
  const list = document.createElement("ul");
  list.className = "overview-findings";
  for (const m of messages) {
    const li = document.createElement("li");
    li.className = m.importance.toLowerCase();
    li.dataset.check = m.check_function_name;
    // A finding on an object leads to it; one on the file itself (`/`) is about what the overview shows.
    const a = current?.entries.has(m.path) ? Object.assign(document.createElement("a"), { href: "#", textContent: m.path }) : m.path;
    if (typeof a !== "string") {
      a.addEventListener("click", (e) => {
        e.preventDefault();
        void select(m.path, "push");
      });
    }
    li.append(`${m.importance.replace("BEST_PRACTICE_", "").toLowerCase().replace(/_/g, " ")}: ${m.check_function_name} `, a, ` ${m.message}`);
    list.append(li);
  }
  box.append(list);
}

/**
 * The file's best-practice findings (tsnwb's inspector, run in the worker), most important first: each names its
 * importance, check and object, and a click shows the object.
 */
async function showFindings(file: NonNullable<typeof current>): Promise<void> {
  const box = $("findings");
  box.dataset.done = "false";
  const list = $("findings-list");
  list.replaceChildren();
  $("findings-summary").textContent = "best practices: inspecting...";
  let messages: Finding[];
  try {
    messages = await reader.call("inspect");
  } catch (err) {
    $("findings-summary").textContent = `best practices: the inspection failed (${String(err)})`;
    box.dataset.done = "true";
    return;
  }
  if (current !== file) return; // another file was opened meanwhile
  lastFindings = messages;
  // ERROR: a check that failed on an object (as the NWB Inspector reports it), counted first as it hides a finding.
  const order = ["ERROR", "CRITICAL", "BEST_PRACTICE_VIOLATION", "BEST_PRACTICE_SUGGESTION"];
  const counts = order.map((i) => [i, messages.filter((m) => m.importance === i).length] as const).filter(([, n]) => n > 0);
  const summary = messages.length === 0 ? "no findings" : counts.map(([i, n]) => `${n} ${i.toLowerCase().replace(/_/g, " ")}`).join(", ");
  $("findings-summary").textContent = `best practices: ${summary}`;
  const inOverview = document.getElementById("overview-findings");
  if (inOverview) overviewFindings(inOverview, summary, messages);
  for (const m of messages) {
    const li = document.createElement("li");
    li.dataset.check = m.check_function_name;
    li.dataset.path = m.path;
    li.className = m.importance.toLowerCase();
    li.title = m.message;
    li.innerHTML = `<span class="importance">${escape(m.importance.replace("BEST_PRACTICE_", ""))}</span> ${escape(m.check_function_name)} <span class="type">${escape(m.path)}</span><br>${escape(m.message)}`;
    li.addEventListener("click", () => {
      if (current?.entries.has(m.path)) void select(m.path, "push");
    });
    list.append(li);
  }
  box.dataset.done = "true";
}

function closeViews(): void {
  for (const v of open) v.handle.dispose?.();
  open.clear();
  main = undefined;
  $("pinned").replaceChildren();
  $("pin").hidden = true;
}

/**
 * Keeps a view of the object at `path` open above the main one (a view of its own, read anew), so that several
 * objects are seen at once along the one time cursor; its close button lets it go.
 */
async function pin(path: string): Promise<void> {
  const entry = current?.entries.get(path);
  if (!entry) return;
  const box = Object.assign(document.createElement("section"), { className: "pinned-view" });
  box.dataset.path = path;
  const header = document.createElement("header");
  const close = Object.assign(document.createElement("button"), { className: "unpin", textContent: "×", title: "Close" });
  header.append(`${entry.name} (${entry.neurodata_type})`, close);
  const element = document.createElement("div");
  element.className = "view-body";
  element.dataset.view = entry.view;
  box.append(header, element);
  $("pinned").append(box);
  const data = await reader.extract(path, entry.view, { pixels: viewWidth(), time });
  if (!box.isConnected) return;
  const shown = { path, handle: viewNamed(entry.view).render(element, data, contextFor(path, entry)) };
  open.add(shown);
  element.dataset.ready = "true";
  close.addEventListener("click", () => {
    shown.handle.dispose?.();
    open.delete(shown);
    box.remove();
  });
}

/** Empties the main view (its element and every data attribute a view set on it). */
function resetView(): HTMLElement {
  const view = $("view");
  view.replaceChildren();
  for (const key of Object.keys(view.dataset)) delete view.dataset[key];
  return view;
}

/** What a view is asked first: a drawing as wide as the main view, at the cursor. */
function firstRequest(): ViewRequest {
  return { pixels: viewWidth(), time };
}

/** How wide a plot in the main view can be, in pixel columns. */
function viewWidth(): number {
  return Math.max(200, Math.min(4096, Math.floor($("view").clientWidth - 8)));
}

/** What the object at `path` is given to talk to the rest of the viewer. */
function contextFor(path: string, entry: TreeEntry): ViewContext<unknown> {
  return {
    request: (request: ViewRequest) => reader.extract(path, entry.view, request),
    requestOther: <Other>(other: string, request: ViewRequest) => {
      const target = current?.entries.get(other);
      if (!target) return Promise.reject(new Error(`the file has no object at ${other}`));
      return reader.extract<Other>(other, target.view, request);
    },
    get time() {
      return time;
    },
    setTime,
    select: (other: string) => void select(other, "push"),
    externalURL: (p: string) => (externalBase ? `${externalBase}${encodeURIComponent(p)}` : current?.url ? new URL(p, new URL(current.url, location.href)).href : undefined),
  };
}

/** Moves the shared cursor: every open view follows, and the address keeps it. */
function setTime(t: number): void {
  if (!Number.isFinite(t)) return;
  time = t;
  for (const v of open) v.handle.setTime?.(t);
  scheduleAddress();
}

let addressTimer: ReturnType<typeof setTimeout> | undefined;
/** The cursor moves often (playback, drags): the address follows at most a few times a second. */
function scheduleAddress(): void {
  clearTimeout(addressTimer);
  addressTimer = setTimeout(() => history.replaceState(null, "", address(main?.path)), 150);
}

/** Counts selections: the answer for one no longer the latest is dropped. */
let selections = 0;

/** Shows the object at `path` in the main view; `history` says whether the address is a new entry or replaces this one. */
async function select(path: string, history_: "push" | "replace" | "none"): Promise<void> {
  const entry = current?.entries.get(path);
  if (!entry) return;
  const mine = ++selections;
  for (const other of document.querySelectorAll("#tree li.selected")) other.classList.remove("selected");
  const li = document.querySelector<HTMLElement>(`#tree li[data-path="${CSS.escape(path)}"]`);
  li?.classList.add("selected");
  const table = entry.table ?? path;
  for (const column of document.querySelectorAll<HTMLElement>("#tree li.column")) column.classList.toggle("open", column.dataset.table === table);
  li?.scrollIntoView({ block: "nearest" });
  if (main) {
    main.handle.dispose?.();
    open.delete(main);
    main = undefined;
  }
  const view = resetView();
  $("pin").hidden = true;
  view.dataset.path = path;
  view.dataset.view = entry.view;
  $("title").textContent = `${entry.name} (${entry.neurodata_type})`;
  if (history_ === "push") history.pushState(null, "", address(path));
  else if (history_ === "replace") history.replaceState(null, "", address(path));
  const module = viewNamed(entry.view);
  let data: unknown;
  try {
    data = await reader.extract(path, entry.view, firstRequest());
  } catch (err) {
    if (mine !== selections) return;
    view.append(Object.assign(document.createElement("p"), { className: "error", textContent: `${path} cannot be shown: ${(err as Error).message}` }));
    view.dataset.ready = "true";
    return;
  }
  if (mine !== selections) return; // another object was selected meanwhile
  let handle: ViewHandle;
  try {
    handle = module.render(view, data, contextFor(path, entry));
  } catch (err) {
    view.append(Object.assign(document.createElement("p"), { className: "error", textContent: `${path} cannot be drawn: ${(err as Error).message}` }));
    view.dataset.ready = "true";
    return;
  }
  main = { path, handle };
  open.add(main);
  $("pin").hidden = false;
  view.dataset.ready = "true";
}

/** The state the address names, after back or forward. */
function followAddress(): void {
  const params = new URLSearchParams(location.search);
  const t = params.get("t");
  const path = params.get("path");
  if (t !== null && Number.isFinite(Number(t))) setTime(Number(t));
  if (path && path !== main?.path) void select(path, "none");
  else if (!path && main && overview) {
    for (const other of document.querySelectorAll("#tree li.selected")) other.classList.remove("selected");
    showOverview(overview);
  }
}

function start(): void {
  const failed = (err: unknown) => {
    status(String(err));
    document.body.dataset.error = String(err);
  };
  $<HTMLInputElement>("file").addEventListener("change", (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void openSource({ blob: file, name: file.name }, file.name).catch(failed);
  });
  $("open-url").addEventListener("click", () => {
    const url = $<HTMLInputElement>("url").value;
    void openSource({ url: new URL(url, location.href).href }, url).catch(failed);
  });
  document.body.addEventListener("dragover", (e) => e.preventDefault());
  document.body.addEventListener("drop", (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void openSource({ blob: file, name: file.name }, file.name).catch(failed);
  });
  addEventListener("popstate", followAddress);
  $("pin").addEventListener("click", () => {
    if (main) void pin(main.path).catch(failed);
  });
  const params = new URLSearchParams(location.search);
  const served = params.get("file");
  const t = params.get("t");
  if (served) {
    void openSource({ url: new URL(served, location.href).href }, served, {
      path: params.get("path") ?? undefined, t: t !== null && Number.isFinite(Number(t)) ? Number(t) : undefined,
    }).catch(failed);
  }
}

start();

/** For the console and the end-to-end tests: the extracts asked of the worker, and the cursor. */
(globalThis as { tsnwbViewer?: unknown }).tsnwbViewer = {
  get extracts(): ExtractRecord[] {
    return reader.extracts;
  },
  get time() {
    return time;
  },
  setTime,
  select: (path: string) => select(path, "push"),
  /** What reading has cost (a File picked: the bytes of it read). */
  stats: () => reader.call("stats"),
};
