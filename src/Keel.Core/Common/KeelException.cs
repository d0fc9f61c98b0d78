namespace Keel.Core.Common;

/// <summary>The reason a Keel operation was refused; hosts map it to a wire error and an HTTP status.</summary>
public enum ErrorCode
{
    InvalidParameterValue,
    ResourceDoesNotExist,
    ResourceAlreadyExists,
    InvalidState,
    BadRequest,
    InternalError,
}

/// <summary>The one exception type of the domain: a rule was broken or a resource is missing.</summary>
public sealed class KeelException(ErrorCode code, string message, Exception? inner = null) : Exception(message, inner)
{
    public ErrorCode Code { get; } = code;

    public static KeelException InvalidParameter(string message) => new(ErrorCode.InvalidParameterValue, message);

    public static KeelException NotFound(string message) => new(ErrorCode.ResourceDoesNotExist, message);

    public static KeelException AlreadyExists(string message) => new(ErrorCode.ResourceAlreadyExists, message);
}
