namespace Wharf.Server.Tracking;

/// <summary>A dataset input of a run with its tags, as runs/get returns it in <c>inputs.dataset_inputs</c>.</summary>
internal sealed record DatasetInputView(RunDatasetInput Dataset, IReadOnlyList<RunDatasetInputTag> Tags);
