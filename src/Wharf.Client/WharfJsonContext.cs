using System.Text.Json;
using System.Text.Json.Serialization;
using Wharf.Client.Auth;
using Wharf.Client.Images;
using Wharf.Client.Models;
using Wharf.Client.Registry;

namespace Wharf.Client;

/// <summary>Source-generated JSON metadata for every wire contract; camelCase like the REST API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ServerStatus))]
[JsonSerializable(typeof(ProblemDetailsPayload))]
[JsonSerializable(typeof(RepositoryPage))]
[JsonSerializable(typeof(TagPage))]
[JsonSerializable(typeof(GarbageCollectionResult))]
[JsonSerializable(typeof(RegistryCheckReport))]
[JsonSerializable(typeof(RegistryTokenResponse))]
[JsonSerializable(typeof(WhoAmI))]
[JsonSerializable(typeof(IReadOnlyList<ProjectInfo>))]
[JsonSerializable(typeof(ProjectInfo))]
[JsonSerializable(typeof(CreateProjectRequest))]
[JsonSerializable(typeof(IReadOnlyList<ProjectMemberInfo>))]
[JsonSerializable(typeof(ProjectMemberInfo))]
[JsonSerializable(typeof(SetMemberRoleRequest))]
[JsonSerializable(typeof(IReadOnlyList<ServiceAccountInfo>))]
[JsonSerializable(typeof(ServiceAccountInfo))]
[JsonSerializable(typeof(CreateServiceAccountRequest))]
[JsonSerializable(typeof(CreateServiceAccountTokenRequest))]
[JsonSerializable(typeof(IReadOnlyList<TokenInfo>))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreatedTokenInfo))]
[JsonSerializable(typeof(IReadOnlyList<UserInfo>))]
[JsonSerializable(typeof(UserInfo))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(AuditPage))]
[JsonSerializable(typeof(ModelPage))]
[JsonSerializable(typeof(IReadOnlyList<ModelSummary>))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(ModelVersionInfo))]
[JsonSerializable(typeof(ModelAliasInfo))]
[JsonSerializable(typeof(CreateModelRequest))]
[JsonSerializable(typeof(RegisterModelVersionRequest))]
[JsonSerializable(typeof(SetModelAliasRequest))]
[JsonSerializable(typeof(ModelPullResult))]
[JsonSerializable(typeof(ModelImageSettings))]
[JsonSerializable(typeof(ModelImageBuildInfo))]
public sealed partial class WharfJsonContext : JsonSerializerContext;
