using System.Text.Json.Serialization;

namespace HyperQueue.Contracts;

/// <summary>Final status of a trial, as hyperopt's <c>STATUS_OK</c> / <c>STATUS_FAIL</c>, plus cancelled.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrialStatus>))]
public enum TrialStatus
{
    [JsonStringEnumMemberName("ok")]
    Ok,

    [JsonStringEnumMemberName("fail")]
    Fail,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}
