/**
 * Hand-written classes of the schema's `nwb.misc`: AbstractFeatureSeries, for its rule that features and their
 * units name the data's columns.
 */
import { AbstractFeatureSeriesBase, type AbstractFeatureSeriesOptions as GeneratedOptions } from "../generated/core/AbstractFeatureSeries.js";
import { StreamedArray } from "../data/arrays.js";

/** What `new AbstractFeatureSeries` takes: the schema's fields, with pynwb's default unit. */
export interface AbstractFeatureSeriesOptions extends Omit<GeneratedOptions, "unit"> {
  /** Default "see 'feature_units'", as pynwb. */
  unit?: string;
}

/** Features (luminance, contrast, ...) of a stimulus over time: data is (time) or (time, feature). */
export class AbstractFeatureSeries extends AbstractFeatureSeriesBase {
  constructor(opts: AbstractFeatureSeriesOptions) {
    super({ ...opts, unit: opts?.unit ?? "see 'feature_units'" } as GeneratedOptions);
    const shape = this.data instanceof StreamedArray ? undefined : this.data.shape;
    // Empty data (pynwb's default) has no columns to name yet.
    const nFeatures = shape === undefined || shape[0] === 0 ? undefined : shape.length === 1 ? 1 : shape[1];
    if (nFeatures !== undefined && this.features.length !== nFeatures) {
      this.fail("features", `one name per feature column (${nFeatures})`, this.features);
    }
    if (this.feature_units !== undefined && this.feature_units.length !== this.features.length) {
      this.fail("feature_units", `one unit per feature (${this.features.length})`, this.feature_units);
    }
  }
}
