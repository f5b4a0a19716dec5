/**
 * The catalog every class reads its layout from: tsnwb's bundled namespaces (core, hdmf-common,
 * hdmf-experimental), to which `loadNamespaces` and files with cached extensions add theirs, as pynwb's global
 * type map does.
 */
import { BUNDLED_NAMESPACES } from "../generated/schema/index.js";
import { NamespaceCatalog } from "./catalog.js";

/** Every loaded namespace and its types: the bundled ones, and extensions as they are loaded. */
export const typeCatalog = new NamespaceCatalog();
for (const doc of BUNDLED_NAMESPACES) typeCatalog.add(doc);

/** The NWB version tsnwb writes. */
export const NWB_VERSION = typeCatalog.namespace("core")!.namespace.version;
