/**
 * Kill harness, preloaded with `node --import`: counts the file operations that change the files of one folder
 * (TSNWB_KILL_DIR: writes, truncations, creations, renames, removals) and, right before operation number
 * TSNWB_KILL_AT (1-based; 0 or unset: never), kills the process with SIGKILL, as a crash or `kill -9` would. The
 * count reached is written to TSNWB_KILL_COUNT at a normal exit.
 *
 * With TSNWB_KILL_SNAPSHOTS=DIR it also copies the folder's files aside right before each operation: what a kill
 * there would leave on disk, for every operation in one run (the process's writes reach the kernel synchronously,
 * so the folder then is exactly what SIGKILL leaves). DIR/manifest.json lists, per operation, each file's copy;
 * a file is copied again only once an operation has changed it. Each file's inode number is listed too: a copy
 * has another, and an undo journal names the file it was made for by its inode.
 *
 * Every write of tsnwb and of h5wasm (Emscripten's NODERAWFS calls `fs.writeSync`, `fs.ftruncateSync`... on the
 * `fs` module at call time) goes through the functions wrapped here; `syncBuiltinESMExports` makes the named
 * imports of `node:fs` see the wrappers too.
 */
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import * as nodePath from "node:path";

const dir = process.env.TSNWB_KILL_DIR ? nodePath.resolve(process.env.TSNWB_KILL_DIR) : undefined;
const killAt = Number(process.env.TSNWB_KILL_AT ?? 0);
const countFile = process.env.TSNWB_KILL_COUNT;
const snapshots = process.env.TSNWB_KILL_SNAPSHOTS;
const trace = process.env.TSNWB_KILL_TRACE === "1";
const raw = { writeFileSync: fs.writeFileSync, copyFileSync: fs.copyFileSync, mkdirSync: fs.mkdirSync, readdirSync: fs.readdirSync, openSync: fs.openSync, closeSync: fs.closeSync };

let count = 0;
/** File descriptors open on files of the folder, and their paths. */
const fds = new Map();
/** Per operation: the folder's files, each by the copy holding its bytes then. */
const manifest = [];
/** The latest copy of each file, and the files changed since. */
const copies = new Map();
const changed = new Set();

const inDir = (p) => dir !== undefined && nodePath.resolve(String(p)).startsWith(dir + nodePath.sep);

/** Copies aside what the folder holds now (files changed since the last copy only). */
function snapshot() {
  const files = {};
  const inodes = {};
  for (const name of raw.readdirSync(dir)) {
    const path = nodePath.join(dir, name);
    if (!copies.has(path) || changed.has(path)) {
      const copy = nodePath.join(snapshots, `${count}-${name}`);
      raw.copyFileSync(path, copy);
      copies.set(path, copy);
    }
    files[name] = copies.get(path);
    inodes[name] = String(fs.statSync(path, { bigint: true }).ino);
  }
  changed.clear();
  manifest.push({ op: count, what: lastOp, files, inodes });
}
let lastOp = "";

/** Operation `what`, about to change `paths`: counted, copied aside, killed here if asked. */
function step(what, paths) {
  count++;
  lastOp = `${what} ${paths.map((p) => nodePath.basename(String(p))).join(" -> ")}`;
  if (trace) process.stderr.write(`op ${count}: ${lastOp}\n`);
  if (snapshots) snapshot();
  if (count === killAt) process.kill(process.pid, "SIGKILL");
  for (const p of paths) changed.add(nodePath.resolve(String(p)));
}

const { O_CREAT, O_TRUNC } = fs.constants;
/** Whether open flags create or truncate (an open that can change the folder). */
function mutatingFlags(flags) {
  if (flags === undefined) return false;
  if (typeof flags === "number") return (flags & (O_CREAT | O_TRUNC)) !== 0;
  return /[wa]/.test(flags);
}

fs.openSync = function (path, flags, ...rest) {
  if (inDir(path) && mutatingFlags(flags)) step("open", [path]);
  const fd = raw.openSync.call(this, path, flags, ...rest);
  if (inDir(path)) fds.set(fd, String(path));
  return fd;
};
fs.closeSync = function (fd) {
  fds.delete(fd);
  return raw.closeSync.call(this, fd);
};
/** Functions taking a descriptor first: a change when it is open on a file of the folder. */
for (const name of ["writeSync", "ftruncateSync", "write", "ftruncate"]) {
  const original = fs[name];
  fs[name] = function (fd, ...rest) {
    if (fds.has(fd)) step(name, [fds.get(fd)]);
    return original.call(this, fd, ...rest);
  };
}
/** Functions taking paths (both for renames and copies): a change when one is in the folder. */
const twoPaths = new Set(["renameSync", "copyFileSync", "rename", "copyFile"]);
for (const name of ["renameSync", "unlinkSync", "rmSync", "truncateSync", "copyFileSync", "writeFileSync", "appendFileSync"]) {
  const original = fs[name];
  fs[name] = function (...args) {
    const paths = twoPaths.has(name) ? [args[0], args[1]] : [args[0]];
    if (paths.some(inDir)) step(name, paths);
    if (name === "renameSync") renamed(args[0], args[1]);
    return original.apply(this, args);
  };
}
for (const name of ["rename", "unlink", "rm", "truncate", "copyFile", "writeFile", "appendFile"]) {
  const original = fs.promises[name];
  fs.promises[name] = function (...args) {
    const paths = twoPaths.has(name) ? [args[0], args[1]] : [args[0]];
    if (paths.some(inDir)) step(`promises.${name}`, paths);
    if (name === "rename") renamed(args[0], args[1]);
    return original.apply(this, args);
  };
}

/** A file renamed: descriptors open on it write to its new name (an async rename is awaited before the next write). */
function renamed(from, to) {
  for (const [fd, path] of fds) if (nodePath.resolve(path) === nodePath.resolve(String(from))) fds.set(fd, String(to));
}
const promisesOpen = fs.promises.open;
fs.promises.open = function (path, flags, ...rest) {
  if (inDir(path) && mutatingFlags(flags)) step("promises.open", [path]);
  return promisesOpen.call(this, path, flags, ...rest);
};
syncBuiltinESMExports();

if (snapshots) raw.mkdirSync(snapshots, { recursive: true });
process.on("exit", () => {
  if (countFile) raw.writeFileSync(countFile, String(count));
  if (snapshots) raw.writeFileSync(nodePath.join(snapshots, "manifest.json"), JSON.stringify(manifest));
});
