/**
 * Which class models which neurodata type, for reading.
 */
import type { ContainerClass } from "./container.js";
import { Image, ImageReferences, Images, ProcessingModule, TimeSeries } from "./base.js";
import { GrayscaleImage, ImageMaskSeries, ImageSeries, IndexSeries, OpticalSeries, RGBAImage, RGBImage } from "./image.js";
import { AbstractFeatureSeries } from "./misc.js";
import { Device } from "./device.js";
import { NWBFile, Subject } from "./file.js";

const CLASSES: ContainerClass[] = [
  NWBFile, Subject, Device, ProcessingModule, TimeSeries, ImageSeries, OpticalSeries, ImageMaskSeries, IndexSeries,
  AbstractFeatureSeries, Images, ImageReferences, Image, GrayscaleImage, RGBImage, RGBAImage,
];

const BY_TYPE = new Map(CLASSES.map((c) => [`${c.spec.namespace}:${c.spec.neurodata_type}`, c]));

/** The class that models `namespace:neurodata_type`, or undefined when tsnwb does not model it yet. */
export function classFor(neurodata_type: string, namespace = "core"): ContainerClass | undefined {
  return BY_TYPE.get(`${namespace}:${neurodata_type}`);
}

/** The names of the types tsnwb models. */
export function modelledTypes(): string[] {
  return CLASSES.map((c) => c.spec.neurodata_type);
}
