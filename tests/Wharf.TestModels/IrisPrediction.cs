namespace Wharf.TestModels;

/// <summary>A classifier's answer for one sample.</summary>
/// <param name="Label">The predicted class index.</param>
/// <param name="Probabilities">The probability of every class, indexed by class.</param>
public sealed record IrisPrediction(int Label, IReadOnlyList<float> Probabilities);
