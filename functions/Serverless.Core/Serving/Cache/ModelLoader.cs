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
        string description = $"Model '{version.Name}' version {version.Version}";

        // The registry refuses external data since it checks for it; a model registered before then is refused here,
        // before ONNX Runtime could resolve a path on the server.
        try
        {
            ExternalDataCheck.EnsureSelfContained(path);
        }
        catch (InvalidModelException ex)
        {
            throw new ModelLoadException($"{description} cannot be served: {ex.Message}");
        }

        return sessions.Create(path, description);
    }
}
