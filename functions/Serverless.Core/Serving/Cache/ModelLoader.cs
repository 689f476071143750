using Serverless.Core.Registry;
using Serverless.Core.Serving.Artifacts;
using Serverless.Core.Serving.Execution;

namespace Serverless.Core.Serving.Cache;

/// <summary>Loads a version from its verified artifact file: ONNX Runtime reads the file, not bytes in managed memory.</summary>
internal sealed class ModelLoader(ArtifactStore artifacts, SessionFactory sessions) : IModelLoader
{
    public async Task<LoadedModel> LoadAsync(ModelVersionInfo version, CancellationToken cancellationToken)
    {
        string path = await artifacts.GetPathAsync(version, cancellationToken);
        return sessions.Create(path, $"Model '{version.Name}' version {version.Version}");
    }
}
