using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Wharf.Server.Auth;
using Wharf.Server.Data;
using Wharf.Server.Tests.Tracking;
using Wharf.TestModels;

namespace Wharf.Server.Tests.Models;

/// <summary>Test data for the model registry: a valid ONNX classifier, runs holding files, and members of a given role.</summary>
internal static class ModelTestFiles
{
    private const string Proxy = "/api/2.0/mlflow-artifacts/artifacts";

    public static string Project() => $"p{Guid.NewGuid():N}"[..12];

    /// <summary>
    /// A real ONNX model (the iris graph of <see cref="OnnxModelWriter"/>) with fixed parameters: 4 float features in,
    /// 3 class probabilities and a label out. Training is not needed for a signature.
    /// </summary>
    public static byte[] IrisOnnx() => OnnxModelWriter.Serialize(new LinearClassifierParameters(
        offset: [0f, 0f, 0f, 0f], scale: [1f, 1f, 1f, 1f],
        weights: [0.1f, 0.2f, 0.3f, 0.4f, -0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.2f, 0.1f, -0.4f],
        biases: [0f, 0.1f, -0.1f], featureCount: IrisData.FeatureCount));

    /// <summary>A new experiment and run of the client's project with <paramref name="files"/> uploaded as its artifacts.</summary>
    public static async Task<(string Experiment, string Run)> RunWithFilesAsync(MlflowTestClient client, params (string Path, byte[] Content)[] files)
    {
        var experiment = await client.CreateExperimentAsync($"exp-{Guid.NewGuid():N}"[..12]);
        var run = await client.CreateRunAsync(experiment);
        foreach (var (path, content) in files)
        {
            using var body = new ByteArrayContent(content);
            using var response = await client.Http.PutAsync($"{Proxy}/{experiment}/{run}/artifacts/{path}", body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return (experiment, run);
    }

    /// <summary>The secret of a token (every scope, narrowed by the role) of a new user with <paramref name="role"/> in <paramref name="project"/>.</summary>
    public static async Task<string> MemberTokenAsync(IServiceProvider services, string project, ProjectRole role)
    {
        await using var scope = services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AuthDirectory>();
        var db = scope.ServiceProvider.GetRequiredService<WharfDbContext>();
        var user = await directory.CreateUserAsync($"u-{Guid.NewGuid():N}"[..20], "password-of-a-member");
        var found = db.Projects.SingleOrDefault(p => p.Name == project) ?? await directory.CreateProjectAsync(project);
        await directory.SetUserRoleAsync(found.Id, user.Id, role);
        var token = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(
            PrincipalKind.User, user.Id, "test", [new TokenGrantRequest(found.Id, Scopes.All)]);
        return token.Secret;
    }

    public static void Authorize(HttpClient client, string token) =>
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}
