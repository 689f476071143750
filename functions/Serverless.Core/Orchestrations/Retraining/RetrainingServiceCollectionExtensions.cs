using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Core.Explanations;
using Serverless.Core.Governance.Audit;
using Serverless.Core.Lineage;
using Serverless.Core.Monitoring.Evaluation;
using Serverless.Core.Registry;
using Serverless.Core.Serving.Artifacts;
using Serverless.Core.Storage;
using Serverless.Core.Training;
using Serverless.Core.Training.Datasets;
using Serverless.Core.Training.Evaluation;
using Serverless.Core.Training.Specs;
using Serverless.Core.Training.Trainers;

namespace Serverless.Core.Orchestrations.Retraining;

/// <summary>Registers the retraining line: specs, datasets, trainer, evaluator, the orchestration's activities, runs and lineage.</summary>
public static class RetrainingServiceCollectionExtensions
{
    /// <summary>Adds the retraining line's services and binds <c>Training</c> and <c>Retraining</c> options.</summary>
    public static IServiceCollection AddRetraining(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrainingOptions>().Bind(configuration.GetSection(TrainingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrainingOptions>, TrainingOptionsValidator>());
        services.AddOptions<RetrainingOptions>()
            .Bind(configuration.GetSection(RetrainingOptions.SectionName))
            .Validate(o => StorageNames.IsTableName(o.Table), "Retraining__Table must be a table name: 3 to 63 letters and digits, starting with a letter.")
            .Validate(o => o.BusyRetryDelay > TimeSpan.Zero && o.BusyRetryDelay <= TimeSpan.FromDays(7), "Retraining__BusyRetryDelay must be a positive time span of at most 7 days, such as 00:02:00.")
            .ValidateOnStart();
        services.AddSingleton<RetrainingRequestSender>();
        services.AddSingleton<SpecStore>();
        services.AddSingleton<DatasetStore>();
        services.AddSingleton<ModelTrainer>();
        services.AddSingleton<ModelEvaluator>();
        services.AddSingleton<RetrainingRunStore>();
        services.AddSingleton<RetrainingService>();
        services.AddSingleton<RetrainingScheduler>();
        services.AddSingleton<LineageService>();
        services.AddSingleton(sp => new RetrainingActivities(
            sp.GetRequiredService<SpecStore>(),
            sp.GetRequiredService<DatasetStore>(),
            sp.GetRequiredService<ModelTrainer>(),
            sp.GetRequiredService<ModelEvaluator>(),
            sp.GetRequiredService<ModelRegistry>(),
            sp.GetRequiredService<ArtifactStore>(),
            sp.GetRequiredService<RetrainingRunStore>(),
            sp.GetRequiredService<MonitoringBaselineStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<AuditLog>(),
            sp.GetService<ExplanationService>()));
        return services;
    }
}
