/**
 * Where pynwb names a field otherwise than hdmf's default rule (`fields.ts`), so that pynwb code translates line
 * by line: per type, the member's storage path (dots; `<Type>` for unnamed typed members) -> the field name.
 * Subtypes inherit their ancestors' entries. This is the one table of deliberate naming deviations.
 */
export const PYNWB_NAMES: Record<string, Record<string, string>> = {
  TimeSeries: {
    "data.unit": "unit",
    "data.conversion": "conversion",
    "data.resolution": "resolution",
    "data.offset": "offset",
    "data.continuity": "continuity",
    "starting_time.rate": "rate",
  },
  ImageSeries: { "external_file.starting_frame": "starting_frame" },
  Units: { "spike_times.resolution": "resolution" },
  ImagingPlane: {
    "manifold.conversion": "conversion",
    "manifold.unit": "unit",
    "origin_coords.unit": "origin_coords_unit",
    "grid_spacing.unit": "grid_spacing_unit",
    "<OpticalChannel>": "optical_channel",
  },
  ProcessingModule: { "<NWBDataInterface>": "data_interfaces", "<DynamicTable>": "data_interfaces" },
  DynamicTable: { "<VectorData>": "columns" },
  SimpleMultiContainer: { "<Data>": "containers", "<Container>": "containers" },
  NWBFile: {
    "acquisition.<NWBDataInterface>": "acquisition",
    "acquisition.<DynamicTable>": "acquisition",
    "analysis.<NWBContainer>": "analysis",
    "analysis.<DynamicTable>": "analysis",
    "scratch.<ScratchData>": "scratch",
    "scratch.<NWBContainer>": "scratch",
    "scratch.<DynamicTable>": "scratch",
    "processing.<ProcessingModule>": "processing",
    "stimulus.presentation.<TimeSeries>": "stimulus",
    "stimulus.presentation.<NWBDataInterface>": "stimulus",
    "stimulus.presentation.<DynamicTable>": "stimulus",
    "stimulus.templates.<TimeSeries>": "stimulus_template",
    "stimulus.templates.<Images>": "stimulus_template",
    "general.data_collection": "data_collection",
    "general.experiment_description": "experiment_description",
    "general.experimenter": "experimenter",
    "general.institution": "institution",
    "general.keywords": "keywords",
    "general.lab": "lab",
    "general.notes": "notes",
    "general.pharmacology": "pharmacology",
    "general.protocol": "protocol",
    "general.related_publications": "related_publications",
    "general.session_id": "session_id",
    "general.slices": "slices",
    "general.source_script": "source_script",
    "general.source_script.file_name": "source_script_file_name",
    "general.stimulus": "stimulus_notes",
    "general.surgery": "surgery",
    "general.virus": "virus",
    "general.<LabMetaData>": "lab_meta_data",
    "general.devices.<Device>": "devices",
    "general.subject": "subject",
    "general.extracellular_ephys.<ElectrodeGroup>": "electrode_groups",
    "general.extracellular_ephys.electrodes": "electrodes",
    "general.intracellular_ephys.filtering": "icephys_filtering",
    "general.intracellular_ephys.<IntracellularElectrode>": "icephys_electrodes",
    "general.intracellular_ephys.sweep_table": "sweep_table",
    "general.intracellular_ephys.intracellular_recordings": "intracellular_recordings",
    "general.intracellular_ephys.simultaneous_recordings": "icephys_simultaneous_recordings",
    "general.intracellular_ephys.sequential_recordings": "icephys_sequential_recordings",
    "general.intracellular_ephys.repetitions": "icephys_repetitions",
    "general.intracellular_ephys.experimental_conditions": "icephys_experimental_conditions",
    "general.optogenetics.<OptogeneticStimulusSite>": "ogen_sites",
    "general.optophysiology.<ImagingPlane>": "imaging_planes",
    "intervals.epochs": "epochs",
    "intervals.trials": "trials",
    "intervals.invalid_times": "invalid_times",
    "intervals.<TimeIntervals>": "intervals",
  },
};

/**
 * A default that depends on the other options given (a VectorIndex's description names its target), or `undefined`
 * to take back a default an ancestor's entry gives (a VectorIndex's data, which pynwb requires).
 */
export type PynwbDefault = unknown | ((opts: Record<string, unknown>) => unknown);

/** Values pynwb gives fields the schema leaves without a default, per type (inherited by subtypes). */
export const PYNWB_DEFAULTS: Record<string, Record<string, PynwbDefault>> = {
  Images: { description: "no description" },
  // The schema leaves them unused, without defaults; pynwb writes TimeSeries' defaults all the same.
  IndexSeries: { conversion: 1.0, resolution: -1.0, offset: 0.0 },
  // hdmf's columns and ids start empty.
  VectorData: { data: [] },
  ElementIdentifiers: { data: [] },
  VectorIndex: { data: undefined, description: (opts: Record<string, unknown>) => `Index for VectorData '${(opts.target as { name?: string } | undefined)?.name ?? ""}'` },
  DynamicTableRegion: { data: undefined },
  AnnotationSeries: { data: [] },
  IntervalSeries: { data: [] },
  AbstractFeatureSeries: { data: [] },
  ScratchData: { notes: "" },
  PatchClampSeries: { stimulus_description: "N/A" },
  TimeIntervals: { description: "experimental intervals" },
  Units: { description: "data on spiking units" },
  SweepTable: { description: "A sweep table groups different PatchClampSeries together." },
  TimeSeriesReferenceVectorData: {
    description: "Column storing references to a TimeSeries (rows). For each TimeSeries this VectorData column stores the start_index and count to indicate the range in time to be selected as well as an object reference to the TimeSeries.",
  },
  SimultaneousRecordingsTable: {
    description: "A table for grouping different intracellular recordings from the IntracellularRecordingsTable table together that were recorded simultaneously from different electrodes.",
  },
  SequentialRecordingsTable: {
    description: "A table for grouping different intracellular recording simultaneous_recordings from the SimultaneousRecordingsTable table together.",
  },
  RepetitionsTable: {
    description: "A table for grouping different intracellular recording sequential recordings together.",
  },
  ExperimentalConditionsTable: {
    description: "A table for grouping different intracellular recording repetitions together that belong to the same experimental conditions.",
  },
};

/**
 * Fields pynwb's constructors require though the schema lets them be left out, per type (inherited): tsnwb requires
 * them too, so that what tsnwb makes pynwb could have made. A collection listed here needs one member at least.
 */
export const PYNWB_REQUIRED: Record<string, string[]> = {
  ImagingPlane: ["description", "optical_channel"],
  OpticalSeries: ["distance", "field_of_view", "orientation"],
  SpatialSeries: ["reference_frame"],
  PatchClampSeries: ["gain"],
  AbstractFeatureSeries: ["feature_units"],
  // pynwb's constructors of these take no rate: timestamps are their only timing.
  AnnotationSeries: ["timestamps"],
  IntervalSeries: ["timestamps"],
};

/**
 * Fields that hold paths of files outside the NWB file, per type (inherited): stored relative to the NWB file's
 * folder, with forward slashes, whatever the caller gave (pynwb stores them as given).
 */
export const FILE_PATH_FIELDS: Record<string, string[]> = { ImageSeries: ["external_file"] };

/** Names pynwb gives objects of these types when none is passed. */
export const PYNWB_DEFAULT_NAMES: Record<string, string> = {
  Subject: "subject",
  ImageReferences: "order_of_images",
  CSRMatrix: "csr_matrix",
  CorrectedImageStack: "CorrectedImageStack",
  HERD: "external_resources",
  SweepTable: "sweep_table",
  IntracellularElectrodesTable: "electrodes",
  IntracellularStimuliTable: "stimuli",
  IntracellularResponsesTable: "responses",
};

/** pynwb's names for the methods of one collection of a type: `add_*`, `get_*`, `create_*` (absent: pynwb has none). */
export interface CollectionMethods {
  add?: string;
  get?: string;
  create?: string;
}

/**
 * pynwb's collection methods (its classes' `__clsconf__`), per type and collection field, where pynwb names them
 * otherwise than hdmf's rule for other types (`add_<field>`, `get_<field>`, `create_<field>`). An empty entry: only
 * the `add<Field>` every collection has, where the methods are hand-written (`containers/file.ts`: typed getters,
 * the intervals tables' own rules).
 */
export const PYNWB_COLLECTIONS: Record<string, Record<string, CollectionMethods>> = {
  NWBFile: {
    acquisition: {}, analysis: {}, scratch: {}, stimulus: {}, stimulus_template: {}, intervals: {},
    processing: { add: "add_processing_module", get: "get_processing_module", create: "create_processing_module" },
    devices: { add: "add_device", get: "get_device", create: "create_device" },
    electrode_groups: { add: "add_electrode_group", get: "get_electrode_group", create: "create_electrode_group" },
    imaging_planes: { add: "add_imaging_plane", get: "get_imaging_plane", create: "create_imaging_plane" },
    icephys_electrodes: { add: "add_icephys_electrode", get: "get_icephys_electrode", create: "create_icephys_electrode" },
    ogen_sites: { add: "add_ogen_site", get: "get_ogen_site", create: "create_ogen_site" },
    lab_meta_data: { add: "add_lab_meta_data", get: "get_lab_meta_data", create: "create_lab_meta_data" },
  },
  SimpleMultiContainer: { containers: { add: "add_container", get: "get_container" } },
  ProcessingModule: { data_interfaces: { add: "add", get: "get" } },
  Images: { images: { add: "add_image", get: "get_image", create: "create_image" } },
  EventWaveform: { spike_event_series: { add: "add_spike_event_series", get: "get_spike_event_series", create: "create_spike_event_series" } },
  LFP: { electrical_series: { add: "add_electrical_series", get: "get_electrical_series", create: "create_electrical_series" } },
  FilteredEphys: { electrical_series: { add: "add_electrical_series", get: "get_electrical_series", create: "create_electrical_series" } },
  MotionCorrection: { corrected_image_stacks: { add: "add_corrected_image_stack", get: "get_corrected_image_stack", create: "create_corrected_image_stack" } },
  ImageSegmentation: { plane_segmentations: { add: "add_plane_segmentation", get: "get_plane_segmentation", create: "create_plane_segmentation" } },
  DfOverF: { roi_response_series: { add: "add_roi_response_series", get: "get_roi_response_series", create: "create_roi_response_series" } },
  Fluorescence: { roi_response_series: { add: "add_roi_response_series", get: "get_roi_response_series", create: "create_roi_response_series" } },
  BehavioralEpochs: { interval_series: { add: "add_interval_series", get: "get_interval_series", create: "create_interval_series" } },
  BehavioralEvents: { time_series: { add: "add_timeseries", get: "get_timeseries", create: "create_timeseries" } },
  BehavioralTimeSeries: { time_series: { add: "add_timeseries", get: "get_timeseries", create: "create_timeseries" } },
  PupilTracking: { time_series: { add: "add_timeseries", get: "get_timeseries", create: "create_timeseries" } },
  EyeTracking: { spatial_series: { add: "add_spatial_series", get: "get_spatial_series", create: "create_spatial_series" } },
  CompassDirection: { spatial_series: { add: "add_spatial_series", get: "get_spatial_series", create: "create_spatial_series" } },
  Position: { spatial_series: { add: "add_spatial_series", get: "get_spatial_series", create: "create_spatial_series" } },
};
