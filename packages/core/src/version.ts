export const FEATUREWISE_VERSION = "0.1.0";
