using Serverless.Core.Registry;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Serving.Cache;

/// <summary>Loads a version's model into memory for the <see cref="ModelCache"/>.</summary>
internal interface IModelLoader
{
    /// <summary>Loads the model; the cache owns (and disposes) what it returns.</summary>
    Task<LoadedModel> LoadAsync(ModelVersionInfo version, CancellationToken cancellationToken);
}
