/**
 * The files of a folder the user picked (`<input webkitdirectory>`) or dropped, each with its path inside the
 * folder: what the reading worker opens as an NWB Zarr store (`open-source.ts`'s PickedFolderStore). Runs on the page
 * (the File objects are handles: nothing of them is read here).
 */

/** A file of the folder and its path inside it ("acquisition/ts/.zarray"). */
export interface FolderFile {
  path: string;
  file: File;
}

/** The files an `<input webkitdirectory>` gave, and the folder's name (each `webkitRelativePath` starts with it). */
export function pickedFolder(files: readonly File[]): { name: string; files: FolderFile[] } {
  const name = files[0]?.webkitRelativePath.split("/")[0] ?? "";
  return { name, files: files.map((file) => ({ path: file.webkitRelativePath.split("/").slice(1).join("/"), file })) };
}

/** Every file under a dropped folder, with its path inside it (a folder's entries come in batches: each is read until none is left). */
export async function droppedFolder(folder: FileSystemDirectoryEntry): Promise<{ name: string; files: FolderFile[] }> {
  const files: FolderFile[] = [];
  const walk = async (dir: FileSystemDirectoryEntry, prefix: string): Promise<void> => {
    const reader = dir.createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (batch.length === 0) break;
      for (const entry of batch) {
        if (entry.isDirectory) await walk(entry as FileSystemDirectoryEntry, `${prefix}${entry.name}/`);
        else files.push({ path: `${prefix}${entry.name}`, file: await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject)) });
      }
    }
  };
  await walk(folder, "");
  return { name: folder.name, files };
}
