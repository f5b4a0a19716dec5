/**
 * The views the viewer has, and which one shows an object: the view naming the object's own type, else the one
 * naming its nearest ancestor (an `ElectricalSeries` gets the ElectricalSeries view, a `SpatialSeries` without its
 * own view the TimeSeries one), else the generic view. A view module adds itself with one line in `VIEWS`.
 */
import type { ViewModule } from "./view.js";
import { electricalSeriesView } from "./electrical.js";
import { genericView } from "./generic.js";
import { imageSeriesView, imagesView, imageView, indexSeriesView } from "./images.js";
import { tableView } from "./table.js";
import { timeSeriesView } from "./timeseries.js";
import { unitsView } from "./units.js";
import { roiView } from "./roi.js";
import { spatialView } from "./spatial.js";
import { intervalsView } from "./intervals.js";
import { icephysView } from "./icephys.js";

/** Every view; the order does not matter (the nearest type wins), one line each. */
export const VIEWS: ViewModule[] = [
  imageView,
  imagesView,
  imageSeriesView,
  indexSeriesView,
  timeSeriesView,
  electricalSeriesView,
  tableView,
  unitsView,
  roiView,
  spatialView,
  intervalsView,
  icephysView,
  genericView,
];

/**
 * The view for an object of type `ancestry[0]` extending `ancestry[1]`, then `ancestry[2]`...: the first type, nearest
 * first, that a view names. Two views naming the same type: the one later in `VIEWS` (an extension's view added
 * after a built-in one replaces it).
 */
export function viewFor(ancestry: readonly string[], views: readonly ViewModule[] = VIEWS): ViewModule {
  for (const type of ancestry) {
    const found = views.filter((v) => v.types.includes(type));
    if (found.length > 0) return found[found.length - 1]!;
  }
  return genericView;
}

/** The view named `name` (as `viewFor(...).name` gave it). */
export function viewNamed(name: string, views: readonly ViewModule[] = VIEWS): ViewModule {
  const view = views.find((v) => v.name === name);
  if (!view) throw new Error(`the viewer has no view named '${name}' (it has: ${views.map((v) => v.name).join(", ")})`);
  return view;
}
