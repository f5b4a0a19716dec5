/**
 * Reading a Zarr store in hdmf-zarr's layout into a builder tree: the one call `NWBZarrIO.read()` makes. The
 * reader is a separate part of tsnwb's Zarr support, written beside the writer; until it is in this build, a read
 * is refused with a ModeError saying so, rather than guessing at a store.
 */
import { ModeError } from "../../errors.js";
import type { GroupBuilder } from "../../mapping/builders.js";
import type { ReadableStore } from "./store.js";

/** The builder tree of the NWB file in `store` (`where` names it in errors). */
export async function readZarrTree(store: ReadableStore, where: string): Promise<GroupBuilder> {
  void store;
  throw new ModeError(`cannot read ${where}: this build of tsnwb writes NWB Zarr stores but does not read them yet`);
}
