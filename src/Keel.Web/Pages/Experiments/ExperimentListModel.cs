using Keel.Core.Tracking;

namespace Keel.Web.Pages.Experiments;

/// <summary>The experiments page: the name search as typed, one page of experiments and the next page's token.</summary>
public sealed record ExperimentListModel(string Search, bool ShowDeleted, IReadOnlyList<Experiment> Experiments, string? NextPageToken)
{
    /// <summary>The URL of the next page, keeping the search.</summary>
    public string? NextPageUrl => NextPageToken is null ? null : ExperimentPages.ListUrl(Search, ShowDeleted, NextPageToken);
}
