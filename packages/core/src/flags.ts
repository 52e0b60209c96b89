/** The featurewise switches of Keras' ImageDataGenerator. */
export interface FitFlags {
  /** Subtract the per-channel mean (`featurewise_center`). */
  readonly featurewiseCenter: boolean;
  /** Divide by the per-channel std (`featurewise_std_normalization`). */
  readonly featurewiseStdNormalization: boolean;
  /** Multiply by the ZCA whitening matrix (`zca_whitening`). */
  readonly zcaWhitening: boolean;
}

/**
 * Keras' constructor coupling: `zca_whitening` forces `featurewise_center`
 * on and `featurewise_std_normalization` off; `featurewise_std_normalization`
 * forces `featurewise_center` on. Each override becomes a warning, worded as
 * Keras words it.
 */
export function coupleFlags(requested: FitFlags): { effective: FitFlags; warnings: string[] } {
  let { featurewiseCenter, featurewiseStdNormalization } = requested;
  const { zcaWhitening } = requested;
  const warnings: string[] = [];
  if (zcaWhitening) {
    if (!featurewiseCenter) {
      featurewiseCenter = true;
      warnings.push(
        "This ImageDataGenerator specifies `zca_whitening`, which overrides setting of `featurewise_center`.",
      );
    }
    if (featurewiseStdNormalization) {
      featurewiseStdNormalization = false;
      warnings.push(
        "This ImageDataGenerator specifies `zca_whitening` which overrides setting of`featurewise_std_normalization`.",
      );
    }
  }
  // Keras tests the arguments as given here, not the values set above.
  if (requested.featurewiseStdNormalization && !requested.featurewiseCenter) {
    featurewiseCenter = true;
    warnings.push(
      "This ImageDataGenerator specifies `featurewise_std_normalization`, which overrides setting of `featurewise_center`.",
    );
  }
  return { effective: { featurewiseCenter, featurewiseStdNormalization, zcaWhitening }, warnings };
}
