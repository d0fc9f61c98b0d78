namespace Keel.Client;

/// <summary>
/// The tracking server answered with an error. <see cref="Exception.Message"/> is the server's message.
/// </summary>
public sealed class KeelApiException : Exception
{
    /// <summary>Creates an exception for an error answer.</summary>
    /// <param name="errorCode">MLflow's <c>error_code</c>, for example <c>RESOURCE_DOES_NOT_EXIST</c>.</param>
    /// <param name="message">The server's message.</param>
    /// <param name="statusCode">The HTTP status code of the answer.</param>
    public KeelApiException(string errorCode, string message, int statusCode)
        : base(message)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    /// <summary>
    /// MLflow's <c>error_code</c> (see <see cref="Keel.Contracts.Mlflow.ErrorCodes"/>). When the answer carried no
    /// MLflow error JSON, derived from the status: <c>ENDPOINT_NOT_FOUND</c> for 404, <c>INTERNAL_ERROR</c> for
    /// 5xx, <c>BAD_REQUEST</c> otherwise.
    /// </summary>
    public string ErrorCode { get; }

    /// <summary>The HTTP status code of the answer, for example 404.</summary>
    public int StatusCode { get; }
}
