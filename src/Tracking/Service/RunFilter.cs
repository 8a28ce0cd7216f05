using System.Text.RegularExpressions;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// The part of MLflow's search filter language that maps onto the store's run search: clauses joined by AND, each
/// <c>tags.mlflow.parentRunId = '&lt;id&gt;'</c> or <c>attributes.status = 'RUNNING'</c> (also <c>status</c>).
/// </summary>
internal static partial class RunFilter
{
    public static RunSearch Apply(RunSearch search, string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return search;
        }

        foreach (var clause in AndSeparator().Split(filter.Trim()))
        {
            var match = Clause().Match(clause.Trim());
            if (!match.Success)
            {
                throw Unsupported(filter, clause);
            }

            var value = match.Groups["value"].Value;
            search = match.Groups["field"].Value switch
            {
                "tags.mlflow.parentRunId" or "tags.`mlflow.parentRunId`" or "tags.\"mlflow.parentRunId\"" => search with { ParentRunId = value },
                "attributes.status" or "attribute.status" or "run.status" or "status" => search with { Status = MlflowJson.ParseStatus(value) },
                _ => throw Unsupported(filter, clause),
            };
        }

        return search;
    }

    private static MlflowApiException Unsupported(string filter, string clause) => MlflowApiException.Invalid(
        $"filter '{filter}': clause '{clause.Trim()}' is not supported; HyperQueue filters runs by " +
        "tags.mlflow.parentRunId = '<run id>' and attributes.status = '<RUNNING|FINISHED|FAILED|KILLED>', joined by AND");

    [GeneratedRegex(@"\s+AND\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSeparator();

    [GeneratedRegex("""^(?<field>[A-Za-z_.`"]+)\s*=\s*(?<quote>['"])(?<value>[^'"]*)\k<quote>$""")]
    private static partial Regex Clause();
}
