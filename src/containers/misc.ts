/**
 * Types of the schema's `nwb.misc` that image work uses: AbstractFeatureSeries.
 */
import type { DataInput } from "./container.js";
import { TimeSeries, type TimeSeriesOptions } from "./base.js";
import type { TypeSpec } from "../schema/spec.js";
import { shapeOf } from "./container.js";

/** Features (luminance, contrast, ...) of a stimulus over time: data is (time) or (time, feature). */
export class AbstractFeatureSeries extends TimeSeries {
  static override spec: TypeSpec = {
    neurodata_type: "AbstractFeatureSeries",
    namespace: "core",
    inc: "TimeSeries",
    storage: "group",
    fields: [
      { kind: "dataset", key: "feature_units", dtype: "text", form: "vector" },
      { kind: "dataset", key: "features", dtype: "text", form: "vector" },
    ],
  };
  features: string[];
  feature_units?: string[];

  constructor(opts: Omit<TimeSeriesOptions, "data"> & { data: DataInput; features: string[]; feature_units?: string[] }) {
    super({ ...opts, unit: opts?.unit ?? "see 'feature_units'" });
    this.checkShape("data", this.data, [[null], [null, null]], "a (time) or (time, feature) array");
    if (!Array.isArray(opts.features) || !opts.features.every((f) => typeof f === "string")) {
      this.fail("features", "an array of feature names", opts.features);
    }
    const shape = shapeOf(this.data);
    const nFeatures = shape === undefined ? undefined : shape.length === 1 ? 1 : shape[1];
    if (nFeatures !== undefined && opts.features.length !== nFeatures) {
      this.fail("features", `one name per feature column (${nFeatures})`, opts.features);
    }
    if (opts.feature_units !== undefined &&
      (!Array.isArray(opts.feature_units) || opts.feature_units.length !== opts.features.length || !opts.feature_units.every((u) => typeof u === "string"))) {
      this.fail("feature_units", `one unit per feature (${opts.features.length})`, opts.feature_units);
    }
    this.features = [...opts.features];
    this.feature_units = opts.feature_units && [...opts.feature_units];
  }
}
