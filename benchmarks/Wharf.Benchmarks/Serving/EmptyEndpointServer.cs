using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Wharf.Benchmarks.Serving;

/// <summary>
/// The HTTP limit: an empty ASP.NET Core minimal endpoint on Kestrel (127.0.0.1) at wharf-serve's infer path that
/// reads the whole request body and answers with a body of wharf-serve's response size, computing nothing. Runs in
/// its own process (<c>serving-echo</c>) pinned like the server; prints <c>LISTENING url</c> when ready.
/// </summary>
internal static class EmptyEndpointServer
{
    /// <summary>Child entry: <c>serving-echo INPUT-FEATURES OUTPUT-FEATURES</c>.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var model = new MlpModel("echo", [int.Parse(args[0], CultureInfo.InvariantCulture), int.Parse(args[1], CultureInfo.InvariantCulture)]);
        var response = InferPayload.Response(model);
        var headerLength = response.HeaderLength.ToString(CultureInfo.InvariantCulture);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapPost("/v2/models/{name}/infer", async (HttpContext context) =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(context.RequestAborted);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = response.Body.Length;
            context.Response.Headers[InferPayload.HeaderLengthHeader] = headerLength;
            await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine($"LISTENING {address}");
        // Runs until the harness ends the process (or closes stdin).
        await Console.In.ReadLineAsync();
        return 0;
    }
}
