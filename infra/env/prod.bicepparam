// Production: one HTTP instance always ready (no cold start on the first prediction), more headroom to scale out.
using '../main.bicep'

param environmentName = 'mlplatform-prod'
param location = 'swedencentral'
param maximumInstanceCount = 200
param instanceMemoryMB = 4096
param httpPerInstanceConcurrency = 32
param alwaysReadyHttpInstances = 1
param selfCheckSchedule = '0 */15 * * * *'
