using Wharf.Server.Tracking;

namespace Wharf.Server.Models;

/// <summary>
/// The one place where the model store's refusals (<see cref="MlflowException"/>, shared with the MLflow surface)
/// become RFC 9457 problem details under <c>/api/v1/projects/{project}/models</c>: the store words the reason once,
/// each surface answers in its own format.
/// </summary>
internal sealed class ModelApiProblems : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (MlflowException ex)
        {
            return TypedResults.Problem(detail: ex.Message, statusCode: StatusOf(ex.ErrorCode));
        }
    }

    public static int StatusOf(string errorCode) => errorCode switch
    {
        MlflowErrorCode.ResourceAlreadyExists => StatusCodes.Status409Conflict,
        _ => MlflowErrorCode.StatusOf(errorCode),
    };
}
