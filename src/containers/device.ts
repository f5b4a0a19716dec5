/**
 * The schema's `nwb.device`: Device.
 */
import { NWBContainer } from "./container.js";
import type { TypeSpec } from "../schema/spec.js";

/** A piece of hardware (camera, monitor, microscope) that series link to. */
export class Device extends NWBContainer {
  static override spec: TypeSpec = {
    neurodata_type: "Device",
    namespace: "core",
    storage: "group",
    fields: [
      { kind: "attribute", key: "description", dtype: "text" },
      { kind: "attribute", key: "manufacturer", dtype: "text" },
    ],
  };
  description?: string;
  manufacturer?: string;

  constructor(opts: { name: string; description?: string; manufacturer?: string }) {
    super(opts?.name);
    this.description = this.text("description", opts.description, undefined);
    this.manufacturer = this.text("manufacturer", opts.manufacturer, undefined);
  }
}
